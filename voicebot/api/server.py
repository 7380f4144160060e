"""`voicebot serve`: one process answering SIP and WebRTC calls and serving the web page and REST API.

Start-up order matters: dialogs are checked first (a broken dialog refuses the whole server with the
checker's messages, before any model loads), then the models load once and the dialogs' static
prompts are synthesized into the TTS cache, then SIP and HTTP start listening. Shutdown runs the
other way: stop taking calls, end the live ones, close the pools.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn

from telephony.leg import CallLeg
from voicebot.api.app import create_app
from voicebot.api.calls import CallRegistry, CallRunner, EventSink, conversation_runner
from voicebot.api.dialogs import dialog_paths, load_dialogs
from voicebot.api.runtime import AppRuntime
from voicebot.settings import Settings
from voicebot.store import CallStore, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServeOptions:
    sip: bool = True  # answer SIP on settings.sip.host:port


def backend_variables(settings: Settings) -> dict[str, str]:
    """Dialog variables the server provides: the demo backend lives on this server's own port."""
    return {"backend_url": f"http://{settings.http_host}:{settings.http_port}/demo/bank"}


def storing_runner(runner: CallRunner, store: CallStore) -> CallRunner:
    """Save each call's record when it ends; a database failure is logged, never fatal to calls."""

    async def run(
        leg: CallLeg, dialog_name: str, variables: Mapping[str, Any], on_event: EventSink
    ) -> Any:
        started = datetime.now(UTC)
        record = await runner(leg, dialog_name, variables, on_event)
        data = record.to_json()
        duration = (data.get("ended_at") or data["started_at"]) - data["started_at"]
        try:
            await asyncio.to_thread(
                store.save,
                call_id=record.call_id,
                direction=str(variables.get("direction", "inbound")),
                transport=_transport_of(leg),
                dialog=dialog_name,
                remote_party=leg.remote_party,
                started_at=started,
                duration_s=round(duration, 3),
                outcome=record.outcome,
                record=data,
            )
        except StoreError:
            log.exception("%s: call record not saved", record.call_id)
        return record

    return run


def _transport_of(leg: CallLeg) -> str:
    module = type(leg).__module__
    for name in ("sip", "webrtc"):
        if f"telephony.{name}" in module:
            return name
    return "file"


async def serve(settings: Settings, options: ServeOptions = ServeOptions()) -> None:
    """Run until cancelled or interrupted. Raises DialogError, ModelError or StoreError at start-up."""
    from voicebot.conversation.services import open_services

    http = httpx.AsyncClient(timeout=10.0)
    store: CallStore | None = None
    try:
        dialogs = load_dialogs(
            dialog_paths(settings.dialogs_dir, settings.dialog),
            http=http,
            variables=backend_variables(settings),
        )
        store = CallStore(settings.database_url)
        prompts = [text for dialog in dialogs.values() for text in dialog.static_prompts()]
        async with open_services(settings) as services:
            runtime = AppRuntime(
                settings=settings,
                dialogs=dict(dialogs),
                default_dialog=_default_name(settings),
                services=services,
                model_info=describe_models(settings),
                store=store,
            )
            runtime.calls = CallRegistry(storing_runner(conversation_runner(runtime), store))
            # The dialogs' static prompts go into the TTS cache in the background: the server
            # answers at once, and a prompt not cached yet is synthesized on demand as usual.
            prewarm = asyncio.create_task(_prewarm(services, prompts), name="prompt prewarm")
            try:
                await _listen(runtime, options)
            finally:
                prewarm.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await prewarm
    finally:
        await http.aclose()
        for dialog in locals().get("dialogs", {}).values():
            with contextlib.suppress(Exception):
                await dialog.aclose()
        if store is not None:
            store.close()


async def _prewarm(services: Any, prompts: list[str]) -> None:
    started = asyncio.get_running_loop().time()
    try:
        new = await services.speech.prewarm(prompts)
    except Exception:  # a prompt that fails here fails again, loudly, when a call needs it
        log.exception("prompt prewarm failed")
        return
    elapsed = asyncio.get_running_loop().time() - started
    log.info("%d prompt sentences synthesized into the cache in %.1f s", new, elapsed)


def describe_models(settings: Settings) -> dict[str, str]:
    asr = settings.asr
    return {
        "asr": f"faster-whisper {asr.model} ({asr.device}, {asr.compute_type}, {asr.workers} workers)",
        "tts": f"piper {settings.tts.voice}",
        "vad": f"webrtcvad (aggressiveness {settings.vad.aggressiveness})",
    }


def _default_name(settings: Settings) -> str:
    from pathlib import Path

    return Path(settings.dialog).stem


class _Server(uvicorn.Server):
    """uvicorn without its own signal capture. uvicorn re-raises a captured SIGINT once it has
    stopped; asyncio.run answers that by cancelling the main task, which cut our shutdown short
    (live calls were cancelled before their records were stored). _listen handles the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


HANGUP_GRACE_S = 3.0  # calls hung up at shutdown get this long to end and store their records


async def finish_hung_up_calls(calls: CallRegistry, grace_s: float = HANGUP_GRACE_S) -> None:
    """Let conversations that were just hung up (the SIP server's BYEs on shutdown) end by
    themselves, so their records are stored; CallRegistry.close() cancels whatever is left."""
    tasks = [call.task for call in calls.active_calls() if call.task is not None]
    if tasks:
        await asyncio.wait(tasks, timeout=grace_s)


async def _listen(runtime: AppRuntime, options: ServeOptions) -> None:
    settings = runtime.settings
    sip = None
    if options.sip:
        from voicebot.api.sip_calls import SipFrontend

        sip = SipFrontend(runtime)
        await sip.start()
    config = uvicorn.Config(
        create_app(runtime),
        host=settings.http_host,
        port=settings.http_port,
        log_level="info",
        lifespan="off",
    )
    web = _Server(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C: uvicorn stops, then the finally below
        loop.add_signal_handler(sig, web.handle_exit, sig, None)
    try:
        log.info(
            "voicebot serving http://%s:%s (dialogs: %s)",
            settings.http_host,
            settings.http_port,
            ", ".join(sorted(runtime.dialogs)),
        )
        await web.serve()
    finally:
        if sip is not None:
            await sip.stop()  # the dialer, the registration, then BYE to every SIP call
        await finish_hung_up_calls(runtime.calls)
        await runtime.calls.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
