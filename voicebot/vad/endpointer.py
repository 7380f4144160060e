"""Turn per-frame voice decisions into speech start / pause / resume / end events.

A pure state machine: no clock, no I/O. Time comes only from the frames' timestamps, so it runs the
same on a live call, on a WAV file and in tests.

    IDLE ──voiced──► STARTING ──start_ms voiced──► SPEAKING ◄──voiced── PAUSED
      ▲                 │ gap > start_gap_ms           │ unvoiced          │
      └─────────────────┘                              └──────────────────►┤
      ▲                                                                    │ end_silence_ms
      └───────────────────────── SpeechEnded ◄─────────────────────────────┘
    (SPEAKING or PAUSED for max_utterance_s also ends the utterance, truncated)
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from voicebot.audio import AudioFrame
from voicebot.vad.detector import VoiceDetector
from voicebot.vad.events import (
    EndpointEvent,
    SpeechEnded,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
)

_EPSILON = 1e-6  # float timestamps: 15 frames of 0.02 s must count as 0.3 s


@dataclass(frozen=True, slots=True)
class EndpointerConfig:
    start_ms: int = 120  # voiced time needed before speech counts as started
    end_silence_ms: int = 300  # unvoiced time after speech that ends the utterance
    max_utterance_s: float = 15.0  # an utterance this long is cut (SpeechEnded.truncated)
    preroll_ms: int = 200  # audio kept before the onset, so the ASR hears the first phoneme
    start_gap_ms: int = 60  # unvoiced time tolerated while speech is still being confirmed

    def __post_init__(self) -> None:
        for name in ("start_ms", "end_silence_ms", "preroll_ms", "start_gap_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"EndpointerConfig.{name} must be >= 0, got {getattr(self, name)}")
        if self.max_utterance_s <= 0:
            raise ValueError(
                f"EndpointerConfig.max_utterance_s must be > 0, got {self.max_utterance_s}"
            )


class EndpointerState(enum.Enum):
    IDLE = "idle"
    STARTING = "starting"
    SPEAKING = "speaking"
    PAUSED = "paused"


class Endpointer:
    def __init__(self, config: EndpointerConfig | None = None) -> None:
        self.config = config or EndpointerConfig()
        self._start_s = self.config.start_ms / 1000
        self._end_silence_s = self.config.end_silence_ms / 1000
        self._preroll_s = self.config.preroll_ms / 1000
        self._start_gap_s = self.config.start_gap_ms / 1000
        self.reset()

    def reset(self) -> None:
        """Forget everything, including the sample rate of the stream."""
        self.state = EndpointerState.IDLE
        self._rate: int | None = None
        self._frames: deque[AudioFrame] = deque()
        self._buffered_s = 0.0
        self._onset = 0.0
        self._voiced_s = 0.0
        self._gap_s = 0.0
        self._last_voiced_end = 0.0

    @property
    def in_speech(self) -> bool:
        return self.state in (EndpointerState.SPEAKING, EndpointerState.PAUSED)

    def utterance_audio(self) -> np.ndarray:
        """The current utterance so far (pre-roll included); empty unless speech has started."""
        if not self.in_speech:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate([f.samples for f in self._frames])

    def process(self, frame: AudioFrame, is_speech: bool) -> list[EndpointEvent]:
        self._check_rate(frame)
        self._frames.append(frame)
        self._buffered_s += frame.duration
        match self.state:
            case EndpointerState.IDLE:
                events = self._idle(frame, is_speech)
            case EndpointerState.STARTING:
                events = self._starting(frame, is_speech)
            case EndpointerState.SPEAKING | EndpointerState.PAUSED:
                events = self._talking(frame, is_speech)
        if self.in_speech and frame.end - self._onset >= self.config.max_utterance_s - _EPSILON:
            events.append(self._end(truncated=True))
        return events

    def _check_rate(self, frame: AudioFrame) -> None:
        if self._rate is None:
            self._rate = frame.sample_rate
        elif frame.sample_rate != self._rate:
            raise ValueError(
                f"Endpointer got a {frame.sample_rate} Hz frame in a {self._rate} Hz stream"
            )

    def _idle(self, frame: AudioFrame, is_speech: bool) -> list[EndpointEvent]:
        if not is_speech:
            self._trim_to_preroll()
            return []
        self.state = EndpointerState.STARTING
        self._onset = frame.timestamp
        self._voiced_s = 0.0
        return self._starting(frame, is_speech)

    def _starting(self, frame: AudioFrame, is_speech: bool) -> list[EndpointEvent]:
        if is_speech:
            self._voiced_s += frame.duration
            self._gap_s = 0.0
            self._last_voiced_end = frame.end
            if self._voiced_s >= self._start_s - _EPSILON:
                self.state = EndpointerState.SPEAKING
                return [SpeechStarted(self._onset)]
            return []
        self._gap_s += frame.duration
        if self._gap_s > self._start_gap_s + _EPSILON:  # a click or a cough, not speech
            self.state = EndpointerState.IDLE
            self._trim_to_preroll()
        return []

    def _talking(self, frame: AudioFrame, is_speech: bool) -> list[EndpointEvent]:
        if is_speech:
            self._last_voiced_end = frame.end
            if self.state is EndpointerState.PAUSED:
                self.state = EndpointerState.SPEAKING
                return [SpeechResumed(frame.timestamp)]
            return []
        events: list[EndpointEvent] = []
        if self.state is EndpointerState.SPEAKING:
            self.state = EndpointerState.PAUSED
            events.append(SpeechPaused(frame.timestamp))
        if frame.end - self._last_voiced_end >= self._end_silence_s - _EPSILON:
            events.append(self._end(truncated=False))
        return events

    def _end(self, truncated: bool) -> SpeechEnded:
        audio = np.concatenate([f.samples for f in self._frames])
        event = SpeechEnded(self._last_voiced_end, audio, self._frames[0].timestamp, truncated)
        self.state = EndpointerState.IDLE
        self._frames.clear()
        self._buffered_s = 0.0
        return event

    def _trim_to_preroll(self) -> None:
        while (
            self._frames
            and self._buffered_s - self._frames[0].duration >= self._preroll_s - _EPSILON
        ):
            self._buffered_s -= self._frames.popleft().duration


def endpoint_frames(
    frames: Iterable[AudioFrame], detector: VoiceDetector, config: EndpointerConfig | None = None
) -> Iterator[EndpointEvent]:
    """Run a detector and an endpointer over a finished stream of frames (a WAV file, a test)."""
    endpointer = Endpointer(config)
    for frame in frames:
        yield from endpointer.process(frame, detector.is_speech(frame))
