"""Bridged transfer: the bot calls the target itself (its INVITE carries the context headers) and,
once answered, relays audio and DTMF between the caller and the target until either hangs up.

Unlike a REFER, the bot stays in the media path, so it works with any peer (no REFER support
needed) and the bot still sees when the call ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from telephony.leg import DtmfDigit, LegHangup, TransferResult
from telephony.sip.client import SipClient
from telephony.sip.leg import SipCallLeg
from telephony.sip.transfer import context_headers, target_uri
from telephony.sip.uri import parse_uri
from voicebot.audio import AudioFrame

log = logging.getLogger(__name__)


async def relay(source: SipCallLeg, sink: SipCallLeg) -> str:
    """Copy `source`'s audio to `sink` until `source` hangs up; returns the hangup reason.
    DTMF is logged, not regenerated: a G.711 path would carry in-band tones anyway."""
    async for event in source.events():
        if isinstance(event, AudioFrame):
            await sink.send_audio(event)
        elif isinstance(event, DtmfDigit):
            log.debug(
                "bridge %s: digit %s from %s", source.call_id, event.digit, source.remote_party
            )
        elif isinstance(event, LegHangup):
            return event.reason
    return "ended"


async def bridge(caller: SipCallLeg, agent: SipCallLeg) -> str:
    """Relay both ways; when one side hangs up, hang up the other. Returns who ended it, and why."""
    to_agent = asyncio.create_task(relay(caller, agent), name=f"bridge-{caller.call_id}-out")
    to_caller = asyncio.create_task(relay(agent, caller), name=f"bridge-{caller.call_id}-in")
    try:
        done, _ = await asyncio.wait({to_agent, to_caller}, return_when=asyncio.FIRST_COMPLETED)
        first = done.pop()
        ended_by = "caller" if first is to_agent else "agent"
        reason = first.result()
        other = agent if first is to_agent else caller
        await other.hangup(f"{ended_by} hung up")
        return f"{ended_by}: {reason}"
    finally:
        for task in (to_agent, to_caller):
            task.cancel()
        await asyncio.gather(to_agent, to_caller, return_exceptions=True)


async def bridged_transfer(
    client: SipClient,
    caller: SipCallLeg,
    target: str,
    context: Mapping[str, str],
    *,
    ring_timeout: float = 30.0,
) -> TransferResult:
    """Call `target` with the context in its INVITE; if it answers, bridge until the call ends."""
    headers = context_headers(context)
    default_host = parse_uri(client.trunk.proxy).host if client.trunk else client.server.host
    uri = target_uri(target, default_host)
    result = await client.dial(str(uri), headers=headers, ring_timeout=ring_timeout)
    if not result.answered or result.leg is None:
        return TransferResult(
            False,
            f"target {result.outcome} ({result.status or '-'} {result.reason})",
            dict(headers),
        )
    ended = await bridge(caller, result.leg)
    return TransferResult(True, f"bridged; ended by {ended}", dict(headers))
