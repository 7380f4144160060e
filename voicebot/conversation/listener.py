"""Listening to the caller: VAD + endpointer + streaming ASR for one call, frames in, events out.

`feed(frame)` is synchronous and cheap (VAD and endpointing only); decodes run as tasks in the
call's TaskGroup on the shared ASR pool. While the caller talks, a partial decode runs every
`partial_interval` seconds of new speech, skipped when a decode of this call is already in flight.
At the first pause a speculative final decode starts; if the pause becomes the end of the utterance,
its result is the final, which saves most of the decode time from the turn latency.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol, TypeVar, runtime_checkable

import numpy as np

from voicebot.asr.hypothesis import Hypothesis
from voicebot.audio import ENGINE_RATE, AudioFrame
from voicebot.clock import Clock
from voicebot.vad.detector import VoiceDetector
from voicebot.vad.events import (
    EndpointEvent,
    SpeechEnded,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

ONSET_GAP_FRAMES = 3  # unvoiced frames that end a voiced run for the barge-in guard


class Transcriber(Protocol):
    """The shared ASR pool (voicebot.asr.AsrPool) as the listener uses it."""

    async def transcribe(self, audio: np.ndarray, *, final: bool = True) -> Hypothesis: ...


@runtime_checkable
class Backlog(Protocol):
    """A shared pool that says how many decodes wait for a thread (AsrPool does)."""

    def queued(self) -> tuple[int, int]:
        """(finals, partials) waiting."""


class Endpointing(Protocol):
    """voicebot.vad.Endpointer as the listener uses it."""

    def process(self, frame: AudioFrame, is_speech: bool) -> list[EndpointEvent]: ...

    def utterance_audio(self) -> np.ndarray: ...


# ---- what the listener reports ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoiceOnset:
    """Voice has lasted the barge-in guard (`min_speech_ms`); `onset` is when it began."""

    onset: float
    timestamp: float


@dataclass(frozen=True, slots=True)
class UtteranceStarted:
    onset: float


@dataclass(frozen=True, slots=True)
class PartialTranscript:
    hypothesis: Hypothesis
    timestamp: float


@dataclass(frozen=True, slots=True)
class FinalTranscript:
    hypothesis: Hypothesis
    speech_start: float | None
    last_sound: float  # end of the last voiced frame
    speech_end: float  # when the endpointer declared the end
    ready_at: float  # when the final hypothesis was ready
    speculative: bool  # came from the decode started at the pause


ListenerEvent = VoiceOnset | UtteranceStarted | PartialTranscript | FinalTranscript


@dataclass(frozen=True, slots=True)
class ListenerConfig:
    barge_in_ms: int = 100
    partial_interval: float = 0.6


class Listener:
    def __init__(
        self,
        detector: VoiceDetector,
        endpointer: Endpointing,
        asr: Transcriber,
        clock: Clock,
        tasks: asyncio.TaskGroup,
        emit: Callable[[ListenerEvent], None],
        config: ListenerConfig | None = None,
        track_work: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> None:
        self._detector = detector
        self._endpointer = endpointer
        self._asr = asr
        self._clock = clock
        self._tasks = tasks
        self._emit = emit
        self._config = config or ListenerConfig()
        self._track_work = track_work
        self._running: set[asyncio.Task[object]] = set()
        # barge-in guard: a voiced run of frames
        self._voiced_ms = 0
        self._unvoiced_frames = 0
        self._run_onset: float | None = None
        self._onset_reported = False
        # the utterance the endpointer is in
        self._utterance = 0  # increments per utterance, so late partials of an old one are dropped
        self._in_speech = False
        self._speech_start: float | None = None
        self._samples_since_partial = 0
        self._decodes_in_flight = 0
        self._speculative: asyncio.Task[Hypothesis | None] | None = None
        self._last_finish: asyncio.Task[None] | None = None
        self.partials_skipped = 0
        self.speculative_dropped = 0

    def feed(self, frame: AudioFrame) -> None:
        voiced = self._detector.is_speech(frame)
        self._track_onset(frame, voiced)
        for event in self._endpointer.process(frame, voiced):
            self._on_endpoint(event, frame)
        if self._in_speech:
            self._samples_since_partial += len(frame.samples)
            if self._samples_since_partial >= self._config.partial_interval * ENGINE_RATE:
                self._samples_since_partial = 0
                self._start_partial()

    @property
    def caller_talking_since(self) -> float | None:
        """The onset of the caller's voice if they are talking now (past the barge-in guard)."""
        return self._run_onset if self._onset_reported else None

    def close(self) -> None:
        """Cancel the decodes still awaited (their threads finish in the pool, unobserved)."""
        for task in list(self._running):
            task.cancel()

    # ---- barge-in guard ----

    def _track_onset(self, frame: AudioFrame, voiced: bool) -> None:
        if voiced:
            if self._run_onset is None:
                self._run_onset = frame.timestamp
            self._voiced_ms += round(frame.duration * 1000)
            self._unvoiced_frames = 0
            if not self._onset_reported and self._voiced_ms >= self._config.barge_in_ms:
                self._onset_reported = True
                self._emit(VoiceOnset(self._run_onset, frame.end))
            return
        self._unvoiced_frames += 1
        if self._unvoiced_frames >= ONSET_GAP_FRAMES:
            self._voiced_ms = 0
            self._run_onset = None
            self._onset_reported = False

    # ---- endpointing ----

    def _on_endpoint(self, event: EndpointEvent, frame: AudioFrame) -> None:
        match event:
            case SpeechStarted(timestamp=onset):
                self._utterance += 1
                self._in_speech = True
                self._speech_start = onset
                self._samples_since_partial = 0
                self._emit(UtteranceStarted(onset))
            case SpeechPaused():
                audio = self._endpointer.utterance_audio()
                self._speculative = self._spawn_decode(audio, final=True)
            case SpeechResumed():
                self._drop_speculative()  # its result would miss the words still coming
            case SpeechEnded():
                self._in_speech = False
                if event.truncated:  # no pause came before the cut: the speculative one is stale
                    self._drop_speculative()
                speculative, self._speculative = self._speculative, None
                self._last_finish = self._spawn(
                    self._finish(
                        event, self._speech_start, frame.end, speculative, self._last_finish
                    )
                )

    def _drop_speculative(self) -> None:
        """Cancelling takes a decode still waiting in the pool out of its queue (AsrPool does)."""
        if self._speculative is not None:
            self._speculative.cancel()
            self._speculative = None
            self.speculative_dropped += 1

    def _start_partial(self) -> None:
        # a partial only refreshes a live view: never let it delay anyone's final
        if self._decodes_in_flight or (isinstance(self._asr, Backlog) and any(self._asr.queued())):
            self.partials_skipped += 1
            return
        self._spawn(self._partial(self._utterance, self._endpointer.utterance_audio()))

    async def _partial(self, utterance: int, audio: np.ndarray) -> None:
        hypothesis = await self._decode(audio, final=False)
        if hypothesis is not None and utterance == self._utterance and self._in_speech:
            self._emit(PartialTranscript(hypothesis, self._clock.now()))

    async def _finish(
        self,
        event: SpeechEnded,
        speech_start: float | None,
        speech_end: float,
        speculative: asyncio.Task[Hypothesis | None] | None,
        previous: asyncio.Task[None] | None,
    ) -> None:
        hypothesis = await speculative if speculative is not None else None
        reused = hypothesis is not None
        if hypothesis is None:
            hypothesis = await self._decode(event.audio, final=True)
        if hypothesis is None:
            hypothesis = Hypothesis("", is_final=True, confidence=0.0)
        if previous is not None and not previous.done():
            await asyncio.wait([previous])  # finals reach the dialog in the order they were spoken
        self._emit(
            FinalTranscript(
                hypothesis=hypothesis,
                speech_start=speech_start,
                last_sound=event.timestamp,
                speech_end=speech_end,
                ready_at=self._clock.now(),
                speculative=reused,
            )
        )

    # ---- decodes ----

    def _spawn_decode(self, audio: np.ndarray, *, final: bool) -> asyncio.Task[Hypothesis | None]:
        return self._spawn(self._decode(audio, final=final))

    def _spawn(self, coroutine: Coroutine[object, object, T]) -> asyncio.Task[T]:
        task = self._tasks.create_task(coroutine)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def _decode(self, audio: np.ndarray, *, final: bool) -> Hypothesis | None:
        self._decodes_in_flight += 1
        try:
            with self._track_work():
                return await self._asr.transcribe(audio, final=final)
        except Exception:  # a failed decode loses one hypothesis, never the call
            if final:
                log.exception("final ASR decode failed (%d samples)", len(audio))
            else:  # the pool may refuse partials when it is busy: expected under load
                log.debug("partial ASR decode dropped", exc_info=True)
            return None
        finally:
            self._decodes_in_flight -= 1
