"""Voice activity detection (webrtcvad) and the endpointer that turns it into utterances."""

from voicebot.vad.detector import VoiceDetector, WebRtcVoiceDetector
from voicebot.vad.endpointer import Endpointer, EndpointerConfig, EndpointerState, endpoint_frames
from voicebot.vad.events import (
    EndpointEvent,
    SpeechEnded,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
)

__all__ = [
    "EndpointEvent",
    "Endpointer",
    "EndpointerConfig",
    "EndpointerState",
    "SpeechEnded",
    "SpeechPaused",
    "SpeechResumed",
    "SpeechStarted",
    "VoiceDetector",
    "WebRtcVoiceDetector",
    "endpoint_frames",
]
