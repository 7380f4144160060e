"""PCM frames, resampling, G.711, mixing, WAV I/O. A leaf package: everything may import it, telephony included."""

from voicebot.audio.errors import AudioFileError
from voicebot.audio.frame import ENGINE_RATE, FRAME_MS, AudioFrame, samples_per_frame
from voicebot.audio.framing import Framer, frames_from_pcm
from voicebot.audio.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from voicebot.audio.mix import gain, mix, rms_dbfs, trim_leading_silence
from voicebot.audio.resample import SUPPORTED_RATES, StreamResampler, resample
from voicebot.audio.wav import read_wav, write_wav

__all__ = [
    "ENGINE_RATE",
    "FRAME_MS",
    "SUPPORTED_RATES",
    "AudioFileError",
    "AudioFrame",
    "Framer",
    "StreamResampler",
    "alaw_decode",
    "alaw_encode",
    "frames_from_pcm",
    "gain",
    "mix",
    "read_wav",
    "resample",
    "rms_dbfs",
    "samples_per_frame",
    "trim_leading_silence",
    "ulaw_decode",
    "ulaw_encode",
    "write_wav",
]
