"""The real speech engines for browser tests and the WebRTC benchmark.

Prefers `voicebot.conversation.services.open_services`; while that and SpeechService disagree on
arguments (keyword-only options), builds the same services here with keywords.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable

from voicebot.audio import ENGINE_RATE
from voicebot.conversation.services import CallServices
from voicebot.settings import Settings


@contextlib.asynccontextmanager
async def real_services(
    settings: Settings, prompts: Iterable[str] = ()
) -> AsyncIterator[CallServices]:
    from voicebot.asr.pool import AsrPool
    from voicebot.models import load_recognizer, load_synthesizer
    from voicebot.tts.service import SpeechService

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
        await speech.prewarm([t for t in prompts if t.strip()])
        yield CallServices.with_engines(settings, pool, speech)
    finally:
        speech.close()
        pool.close()
