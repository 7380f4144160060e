"""What every call of a process shares: settings, the clock, the ASR pool, the speech service, VAD makers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from voicebot.audio import ENGINE_RATE
from voicebot.clock import Clock, MonotonicClock
from voicebot.conversation.listener import Endpointing, ListenerConfig, Transcriber
from voicebot.settings import Settings
from voicebot.vad import Endpointer, EndpointerConfig, VoiceDetector, WebRtcVoiceDetector


class SpeechOutput(Protocol):
    """voicebot.tts.SpeechService as the engine uses it: 16 kHz int16 chunks, one per sentence."""

    def stream(self, text: str) -> AsyncIterator[np.ndarray]: ...


def webrtc_detector_factory(settings: Settings) -> Callable[[], VoiceDetector]:
    return lambda: WebRtcVoiceDetector(settings.vad.aggressiveness)


def endpointer_factory(settings: Settings) -> Callable[[], Endpointing]:
    config = EndpointerConfig(
        start_ms=settings.vad.start_ms,
        end_silence_ms=settings.vad.end_silence_ms,
        max_utterance_s=settings.vad.max_utterance_s,
    )
    return lambda: Endpointer(config)


@dataclass
class CallServices:
    """Process-wide, shared by all calls. The ASR pool and speech service bound CPU work for everyone.

    `track_work` marks CPU work in flight (decodes, synthesis, dialog turns); a virtual clock uses it to
    let time pass in real time only while something computes (see virtual_clock.py).
    """

    settings: Settings
    asr: Transcriber
    speech: SpeechOutput
    make_detector: Callable[[], VoiceDetector]
    make_endpointer: Callable[[], Endpointing]
    clock: Clock = field(default_factory=MonotonicClock)
    track_work: Callable[[], AbstractContextManager[object]] = nullcontext

    @classmethod
    def with_engines(
        cls,
        settings: Settings,
        asr: Transcriber,
        speech: SpeechOutput,
        clock: Clock | None = None,
        track_work: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> CallServices:
        """Services with the webrtcvad detector and the endpointer configured from `settings`."""
        return cls(
            settings=settings,
            asr=asr,
            speech=speech,
            make_detector=webrtc_detector_factory(settings),
            make_endpointer=endpointer_factory(settings),
            clock=clock or MonotonicClock(),
            track_work=track_work,
        )

    def listener_config(self) -> ListenerConfig:
        return ListenerConfig(
            barge_in_ms=self.settings.barge_in.min_speech_ms,
            partial_interval=self.settings.asr.partial_interval,
        )


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    track_work: Callable[[], AbstractContextManager[object]] | None = None,
    prompts: Iterable[str] = (),
) -> AsyncIterator[CallServices]:
    """Load the configured ASR and TTS models, start their shared pools, pre-synthesize `prompts`.

    Raises voicebot.models.ModelError (ModelNotFoundError: which package or path to install).
    """
    from voicebot.asr import AsrPool
    from voicebot.models import load_recognizer, load_synthesizer
    from voicebot.tts import SpeechService

    recognizer = await asyncio.to_thread(load_recognizer, settings.asr)
    synthesizer = await asyncio.to_thread(load_synthesizer, settings.tts)
    pool = AsrPool(recognizer, settings.asr.workers)
    speech = SpeechService(
        synthesizer,
        cache_size=settings.tts.cache_size,
        workers=settings.tts.workers,
        output_rate=ENGINE_RATE,
    )
    try:
        texts = [t for t in prompts if t.strip()]
        if texts:
            await speech.prewarm(texts)
        yield CallServices.with_engines(settings, pool, speech, clock, track_work or nullcontext)
    finally:
        for engine in (speech, pool):
            await _close(engine)


async def _close(engine: object) -> None:
    """Shut a pool down with whichever of aclose()/close()/shutdown() it has."""
    for name in ("aclose", "close", "shutdown"):
        method = getattr(engine, name, None)
        if method is None:
            continue
        result = method()
        if asyncio.iscoroutine(result):
            await result
        return
