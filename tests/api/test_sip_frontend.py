"""The SIP side of `voicebot serve` as configured by settings: registration with a PBX, dialog choice."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from tests.sip.sip_helpers import free_port, needs_sipp, sipp_uas
from voicebot.api.calls import CallRegistry
from voicebot.api.runtime import AppRuntime
from voicebot.api.sip_calls import SipFrontend, call_variables, dialog_for
from voicebot.settings import Settings


def _runtime(**sip) -> AppRuntime:
    settings = Settings(sip={"host": "127.0.0.1", "port": free_port(), **sip})
    runtime = AppRuntime(
        settings, dialogs={"bank": object(), "telecom_support": object()}, default_dialog="bank"
    )

    async def no_conversation(leg, dialog, variables, on_event):
        return SimpleNamespace(outcome="completed")

    runtime.calls = CallRegistry(no_conversation)
    return runtime


@needs_sipp
@pytest.mark.peers
async def test_the_bot_registers_as_an_extension_and_unregisters_on_stop(tmp_path):
    async with sipp_uas("uas_register_unregister.xml", tmp_path) as (port, sipp):
        runtime = _runtime(
            registration={
                "registrar": f"sip:127.0.0.1:{port}",
                "user": "2001",
                "password": "pw2001",
                "expires": 600,
            }
        )
        frontend = SipFrontend(runtime)
        await frontend.start()
        try:
            assert frontend.registration is not None
            await asyncio.wait_for(frontend.registration.registered.wait(), 10)
            assert frontend.registration.granted == 120
            assert runtime.sip_address == f"127.0.0.1:{runtime.settings.sip.port}"
            assert runtime.dialer is not None
        finally:
            await frontend.stop()
        assert (await sipp).ok


def test_the_invite_chooses_the_dialog_and_passes_variables():
    runtime = _runtime()
    assert dialog_for({"X-Voicebot-Dialog": "telecom_support"}, runtime) == "telecom_support"
    assert dialog_for({"x-voicebot-dialog": "pizza"}, runtime) == "bank"  # unknown: the default
    assert dialog_for({}, runtime) == "bank"
    leg = SimpleNamespace(
        remote_party="5551234",
        call_id="abc",
        headers={"X-Voicebot-Var-Account-Number": "12345678", "Subject": "hi"},
    )
    variables = call_variables(leg)
    assert variables["account_number"] == "12345678"
    assert (variables["caller"], variables["direction"]) == ("5551234", "inbound")
    assert "subject" not in variables
