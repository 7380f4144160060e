"""PCM frames, resampling, G.711, mixing, WAV I/O. A leaf package: everything may import it, telephony included."""

from voicebot.audio.frame import ENGINE_RATE, FRAME_MS, AudioFrame, samples_per_frame

__all__ = ["ENGINE_RATE", "FRAME_MS", "AudioFrame", "samples_per_frame"]
