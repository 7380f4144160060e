"""Speech recognition: the Recognizer seam, the fast Whisper engine, the padded reference, AsrPool.

from voicebot.models import load_recognizer
pool = AsrPool(load_recognizer(settings.asr), workers=settings.asr.workers)
hypothesis = await pool.transcribe(samples_16k_int16, final=True)
"""

from voicebot.asr.errors import AsrError, AudioInputError, PartialDropped
from voicebot.asr.hypothesis import Hypothesis
from voicebot.asr.pool import AsrPool
from voicebot.asr.recognizer import Recognizer
from voicebot.asr.whisper_fast import FastDecodeOptions, WhisperRecognizer
from voicebot.asr.whisper_padded import PaddedWhisperRecognizer

__all__ = [
    "AsrError",
    "AsrPool",
    "AudioInputError",
    "FastDecodeOptions",
    "Hypothesis",
    "PaddedWhisperRecognizer",
    "PartialDropped",
    "Recognizer",
    "WhisperRecognizer",
]
