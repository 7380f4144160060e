"""A stand-in engine for transport tests: echoes the caller's audio and reports keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telephony.leg import CallLeg, DtmfDigit, LegHangup
from voicebot.api.calls import EventSink
from voicebot.audio import AudioFrame


async def echo_runner(
    leg: CallLeg, dialog_name: str, variables: Mapping[str, Any], on_event: EventSink
) -> str:
    """Sends every caller frame straight back; "#" makes the bot hang up."""
    on_event({"type": "bot_speech", "text": f"echo on {dialog_name}", "timestamp": 0.0})
    async for event in leg.events():
        match event:
            case AudioFrame():
                await leg.send_audio(event)
            case DtmfDigit(digit="#"):
                await leg.hangup("bot hangup")
                return "bot hangup"
            case DtmfDigit(digit=digit):
                on_event({"type": "transcript", "kind": "final", "text": f"pressed {digit}"})
            case LegHangup(reason=reason):
                on_event({"type": "call_ended", "outcome": "caller_hangup", "reason": reason})
                return reason
    return "events ended"
