"""The bot behind a real SIP proxy: Kamailio's dispatcher balances calls over two bot SIP servers,
probes them with OPTIONS, and routes around one that stopped (DESIGN.md, "Several machines")."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from kamailio import kamailio_dispatcher, needs_kamailio
from sip_helpers import needs_sipp, run_sipp, sip_server, wait_for_hangup

from telephony.leg import LegHangup
from telephony.sip.leg import SipCallLeg
from telephony.sip.server import SipServer

pytestmark = [needs_sipp, needs_kamailio, pytest.mark.peers]


def answering(answered: Counter, name: str, hangups: list[LegHangup] | None = None):
    async def on_call(leg: SipCallLeg) -> None:
        answered[name] += 1
        events = await wait_for_hangup(leg)
        if hangups is not None:
            hangups.extend(e for e in events if isinstance(e, LegHangup))

    return on_call


async def test_calls_are_spread_over_two_bots_and_their_ack_and_bye_come_through_kamailio(
    tmp_path,
):
    answered: Counter = Counter()
    hangups: list[LegHangup] = []
    async with (
        sip_server(answering(answered, "a", hangups)) as a,
        sip_server(answering(answered, "b", hangups)) as b,
        kamailio_dispatcher([a.port, b.port], tmp_path) as proxy,
    ):
        result = await run_sipp("uac_basic.xml", proxy.port, calls=10, rate=20, workdir=tmp_path)
        await asyncio.sleep(0.1)
        assert result.ok, result.output + result.errors + proxy.log()[-3000:]
        assert answered == {"a": 5, "b": 5}  # round robin
        # the caller's BYE reached each bot through the proxy's Record-Route, and nothing hangs
        assert [h.reason for h in hangups] == ["remote hangup"] * 10
        assert a.calls == {} and b.calls == {}
        assert "worker down" not in proxy.log()  # both answered every OPTIONS probe


async def test_a_stopped_bot_is_probed_down_skipped_and_taken_back_when_it_returns(tmp_path):
    answered: Counter = Counter()
    async with (
        sip_server(answering(answered, "a")) as a,
        sip_server(answering(answered, "b")) as b,
        kamailio_dispatcher([a.port, b.port], tmp_path) as proxy,
    ):
        await b.stop()
        await proxy.wait_for_line(f"worker down sip:127.0.0.1:{b.port}")
        result = await run_sipp("uac_basic.xml", proxy.port, calls=4, workdir=tmp_path)
        assert result.ok, result.output + result.errors + proxy.log()[-3000:]
        assert answered == {"a": 4}

        back = SipServer("127.0.0.1", b.port, on_call=answering(answered, "b again"))
        await back.start()
        try:
            await proxy.wait_for_line(f"worker up sip:127.0.0.1:{b.port}")
            result = await run_sipp("uac_basic.xml", proxy.port, calls=4, workdir=tmp_path)
            assert result.ok, result.output + result.errors + proxy.log()[-3000:]
            assert answered["b again"] == 2 and answered["a"] == 6
        finally:
            await back.stop()
