"""The SIP side of `voicebot serve`: answer calls into the conversation engine, dial out, register.

Which dialog answers: the INVITE's `X-Voicebot-Dialog` header when it names a loaded dialog, else the
server's default. A PBX can hand the dialog call variables as `X-Voicebot-Var-<name>` headers
(e.g. an account number looked up from the caller id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from telephony.sip.call import CallOptions
from telephony.sip.client import SipClient, Trunk
from telephony.sip.leg import SipCallLeg
from telephony.sip.registration import Registration
from telephony.sip.server import ServerOptions, SipServer
from voicebot.api.outbound import OutboundDialer
from voicebot.api.runtime import AppRuntime

log = logging.getLogger(__name__)

DIALOG_HEADER = "x-voicebot-dialog"
VARIABLE_PREFIX = "x-voicebot-var-"


def dialog_for(headers: Mapping[str, str], runtime: AppRuntime) -> str:
    lowered = {name.lower(): value for name, value in headers.items()}
    wanted = lowered.get(DIALOG_HEADER, "").strip()
    if wanted and wanted in runtime.dialogs:
        return wanted
    if wanted:
        log.warning("INVITE asks for unknown dialog %r; using %s", wanted, runtime.default_dialog)
    return runtime.default_dialog


def call_variables(leg: SipCallLeg) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "caller": leg.remote_party,
        "call_id": leg.call_id,
        "direction": "inbound",
        "transport": "sip",
    }
    for name, value in leg.headers.items():
        if name.lower().startswith(VARIABLE_PREFIX):
            variables[name[len(VARIABLE_PREFIX) :].lower().replace("-", "_")] = value
    return variables


class SipFrontend:
    """The SIP server, the outbound dialer and the optional PBX registration, started and stopped together."""

    def __init__(self, runtime: AppRuntime) -> None:
        self._runtime = runtime
        sip = runtime.settings.sip
        self.server = SipServer(
            sip.host,
            sip.port,
            on_call=self._on_call,
            max_calls=sip.max_calls,
            allow_list=sip.allow_list,
            options=ServerOptions(call=CallOptions(transfer_mode=sip.transfer_mode)),
        )
        self.registration: Registration | None = None
        self._registering: asyncio.Task[None] | None = None

    async def _on_call(self, leg: SipCallLeg) -> None:
        runtime = self._runtime
        call_id = runtime.calls.start_call(
            leg, dialog_for(leg.headers, runtime), call_variables(leg)
        )
        await runtime.calls.wait_ended(call_id)

    async def start(self) -> None:
        sip = self._runtime.settings.sip
        await self.server.start()
        trunk = Trunk(**sip.trunk.model_dump()) if sip.trunk else None
        self._runtime.dialer = OutboundDialer(
            self._runtime, SipClient(self.server, trunk=trunk), ring_timeout=sip.ring_timeout
        )
        self._runtime.sip_address = f"{self.server.host}:{self.server.port}"
        if sip.registration is not None:
            self.registration = Registration(self.server, **sip.registration.model_dump())
            self._registering = asyncio.create_task(
                self.registration.run(), name="sip registration"
            )

    async def stop(self) -> None:
        if self._registering is not None:
            self._registering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._registering
            assert self.registration is not None
            await self.registration.stop()
        if self._runtime.dialer is not None:
            await self._runtime.dialer.close()
        await self.server.stop()
