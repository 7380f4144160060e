"""Voice activity per 20 ms frame: the VoiceDetector seam and its webrtcvad engine."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import webrtcvad

from voicebot.audio import AudioFrame

WEBRTC_RATES = (8_000, 16_000, 32_000, 48_000)
WEBRTC_FRAME_MS = (10, 20, 30)


@runtime_checkable
class VoiceDetector(Protocol):
    def is_speech(self, frame: AudioFrame) -> bool:
        """True when the frame holds voice."""


class WebRtcVoiceDetector:
    """Google's WebRTC GMM detector; aggressiveness 0 (keeps most) to 3 (filters most non-speech)."""

    def __init__(self, aggressiveness: int = 2) -> None:
        if aggressiveness not in (0, 1, 2, 3):
            raise ValueError(f"webrtcvad aggressiveness must be 0-3, got {aggressiveness}")
        self.aggressiveness = aggressiveness
        self._vad = webrtcvad.Vad(aggressiveness)

    def is_speech(self, frame: AudioFrame) -> bool:
        if frame.sample_rate not in WEBRTC_RATES:
            raise ValueError(
                f"webrtcvad needs a rate in {WEBRTC_RATES} Hz, got a {frame.sample_rate} Hz frame"
            )
        frame_ms = len(frame.samples) * 1000 / frame.sample_rate
        if frame_ms not in WEBRTC_FRAME_MS:
            raise ValueError(f"webrtcvad needs 10, 20 or 30 ms frames, got {frame_ms:g} ms")
        return self._vad.is_speech(frame.pcm_bytes(), frame.sample_rate)
