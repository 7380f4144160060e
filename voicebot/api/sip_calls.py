"""SIP calls into the conversation engine: each answered SipCallLeg becomes a registry call.

Which dialog answers: the INVITE's `X-Voicebot-Dialog` header when it names a loaded dialog, else the
server's default. A PBX can hand the dialog call variables as `X-Voicebot-Var-<name>` headers
(e.g. an account number looked up from the caller id).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from telephony.sip.call import CallOptions
from telephony.sip.client import SipClient, Trunk
from telephony.sip.leg import SipCallLeg
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


async def start_sip_server(runtime: AppRuntime) -> SipServer:
    settings = runtime.settings

    async def on_call(leg: SipCallLeg) -> None:
        dialog = dialog_for(leg.headers, runtime)
        call_id = runtime.calls.start_call(leg, dialog, call_variables(leg))
        await runtime.calls.wait_ended(call_id)

    sip = settings.sip
    server = SipServer(
        sip.host,
        sip.port,
        on_call=on_call,
        max_calls=sip.max_calls,
        allow_list=sip.allow_list,
        options=ServerOptions(call=CallOptions(transfer_mode=sip.transfer_mode)),
    )
    await server.start()
    trunk = Trunk(**sip.trunk.model_dump()) if sip.trunk else None
    runtime.dialer = OutboundDialer(
        runtime, SipClient(server, trunk=trunk), ring_timeout=sip.ring_timeout
    )
    return server
