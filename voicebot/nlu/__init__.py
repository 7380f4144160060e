"""voicebot.nlu: intents, entities, FAQ answers and Rasa interop for the dialogs.

pipeline = NluPipeline.train(load_rasa_nlu("nlu.yml"))
understanding = pipeline.parse("I lost my card", expected={"lost_card", "agent"})
entity = extract_entity("digits", "four five double six", now=now, tz="Europe/Paris")
"""

from voicebot.nlu.entities.amounts import Money
from voicebot.nlu.entities.extract import EXTRACTORS, extract_entity
from voicebot.nlu.errors import NluDataError, NluError, NluServiceError
from voicebot.nlu.faq import FaqAnswer, load_faq_markdown
from voicebot.nlu.pipeline import NluPipeline
from voicebot.nlu.rasa_files import load_rasa_domain_responses, load_rasa_nlu
from voicebot.nlu.rasa_http import RasaHttpClassifier
from voicebot.nlu.training_data import NluTrainingData
from voicebot.nlu.understanding import NO_MATCH, Entity, Understanding

SLOT_TYPES = tuple(sorted(EXTRACTORS))

__all__ = [
    "NO_MATCH",
    "SLOT_TYPES",
    "Entity",
    "FaqAnswer",
    "Money",
    "NluDataError",
    "NluError",
    "NluPipeline",
    "NluServiceError",
    "NluTrainingData",
    "RasaHttpClassifier",
    "Understanding",
    "extract_entity",
    "load_faq_markdown",
    "load_rasa_domain_responses",
    "load_rasa_nlu",
]
