"""Speech synthesis: the Synthesizer seam, the Piper engine, sentence streaming with a prompt cache.

from voicebot.models import load_synthesizer
speech = SpeechService(load_synthesizer(settings.tts), cache_size=settings.tts.cache_size)
async for chunk in speech.stream("Hello. How can I help?"):   # int16 at 16 kHz, per sentence
    ...
"""

from voicebot.tts.cache import PromptCache
from voicebot.tts.errors import TtsError
from voicebot.tts.piper_engine import PiperSynthesizer
from voicebot.tts.sentences import split_sentences
from voicebot.tts.service import SpeechService
from voicebot.tts.synthesizer import Synthesizer

__all__ = [
    "PiperSynthesizer",
    "PromptCache",
    "SpeechService",
    "Synthesizer",
    "TtsError",
    "split_sentences",
]
