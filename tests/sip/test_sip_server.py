"""SipServer protection and dispatch, over loopback UDP and TCP with a tiny in-test client."""

from __future__ import annotations

import asyncio
import random

import pytest
from sip_helpers import sip_server, wait_for_hangup

from telephony.leg import LegHangup
from telephony.sip.build import make_request, new_branch
from telephony.sip.digest import InboundAuth, authorization
from telephony.sip.errors import SipParseError
from telephony.sip.message import SipResponse, StreamFramer, parse_message
from telephony.sip.ratelimit import RateLimit

SDP = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n"


class UdpProbe(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.inbox: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr) -> None:
        self.inbox.put_nowait(data)


async def udp_probe(server_port: int):
    loop = asyncio.get_running_loop()
    transport, probe = await loop.create_datagram_endpoint(
        UdpProbe, local_addr=("127.0.0.1", 0), remote_addr=("127.0.0.1", server_port)
    )
    return transport, probe


def request(
    method: str, port: int, local_port: int, *, call_id: str = "c1", body: bytes = b"", headers=None
):
    return make_request(
        method,
        f"sip:bot@127.0.0.1:{port}",
        via=f"SIP/2.0/UDP 127.0.0.1:{local_port};branch={new_branch()}",
        from_=f"<sip:5551234@127.0.0.1:{local_port}>;tag=from1",
        to=f"<sip:bot@127.0.0.1:{port}>",
        call_id=call_id,
        cseq=1,
        contact=f"<sip:5551234@127.0.0.1:{local_port}>",
        headers=headers,
        body=body,
        content_type="application/sdp" if body else None,
    )


async def final_response(probe: UdpProbe) -> SipResponse:
    """The next final response; 400s to garbage may lack To or Call-ID (the request did) and are skipped."""
    while True:
        try:
            message = parse_message(await asyncio.wait_for(probe.inbox.get(), 5))
        except SipParseError:
            continue
        assert isinstance(message, SipResponse)
        if message.status >= 200:
            return message


async def test_over_max_calls_is_503_with_retry_after():
    async with sip_server(wait_for_hangup, max_calls=1) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        transport.sendto(bytes(request("INVITE", server.port, local, call_id="first", body=SDP)))
        assert (await final_response(probe)).status == 200
        transport.sendto(bytes(request("INVITE", server.port, local, call_id="second", body=SDP)))
        refused = await final_response(probe)
        assert refused.status == 503 and refused.headers.get("Retry-After") == "10"
        transport.close()


async def test_rate_limit_per_source():
    async with sip_server(
        wait_for_hangup, rate_limit=RateLimit(per_second=0.001, burst=2)
    ) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        statuses = []
        for index in range(3):
            transport.sendto(bytes(request("OPTIONS", server.port, local, call_id=f"o{index}")))
            statuses.append((await final_response(probe)).status)
        assert statuses == [200, 200, 503]
        transport.close()


@pytest.mark.parametrize(
    ("method", "status"),
    [
        ("REGISTER", 405),
        ("SUBSCRIBE", 405),
        ("BYE", 481),
        ("INFO", 481),
        ("CANCEL", 481),
        ("FROB", 501),
    ],
)
async def test_methods_we_do_not_serve(method, status):
    async with sip_server(wait_for_hangup) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        transport.sendto(bytes(request(method, server.port, local)))
        response = await final_response(probe)
        assert response.status == status
        if status == 405:
            assert "INVITE" in response.headers.get_all("Allow")
        transport.close()


async def test_outside_the_allow_list_needs_digest_auth():
    async with sip_server(wait_for_hangup) as plain:
        pass  # (just proves a server can start and stop cleanly without traffic)
    auth = InboundAuth("voicebot", {"trunk": "s3cret"}, asyncio.get_running_loop().time)
    async with sip_server(wait_for_hangup, allow_list=["10.0.0.0/8"], auth=auth) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        first = request("INVITE", server.port, local, call_id="auth1", body=SDP)
        transport.sendto(bytes(first))
        challenge = await final_response(probe)
        assert challenge.status == 401
        transport.sendto(bytes(request("ACK", server.port, local, call_id="auth1")))
        value = authorization(
            challenge.headers.get_all("WWW-Authenticate")[0],
            method="INVITE",
            uri=first.uri,
            username="trunk",
            password="s3cret",
        )
        transport.sendto(
            bytes(
                request(
                    "INVITE",
                    server.port,
                    local,
                    call_id="auth2",
                    body=SDP,
                    headers=[("Authorization", value)],
                )
            )
        )
        assert (await final_response(probe)).status == 200
        transport.close()
    async with sip_server(wait_for_hangup, allow_list=["10.0.0.0/8"]) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        transport.sendto(bytes(request("INVITE", server.port, local, body=SDP)))
        assert (await final_response(probe)).status == 403
        transport.close()
    assert plain.calls == {}


async def test_garbage_does_not_stop_the_server():
    rng = random.Random(7)
    async with sip_server(wait_for_hangup) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        valid = bytes(request("OPTIONS", server.port, local))
        for _ in range(200):
            junk = bytearray(valid)
            for _ in range(rng.randint(1, 20)):
                junk[rng.randrange(len(junk))] = rng.randrange(256)
            transport.sendto(bytes(junk[: rng.randint(0, len(junk))]))
        transport.sendto(bytes(request("OPTIONS", server.port, local, call_id="after-the-storm")))
        while True:
            response = await final_response(probe)
            if response.call_id == "after-the-storm":
                break
        assert response.status == 200
        stats = server.endpoint.stats
        assert stats.received >= 190  # (an empty datagram may not even reach us)
        assert stats.malformed_answered + stats.malformed_dropped >= 100
        transport.close()


async def test_tcp_messages_split_across_writes_are_framed():
    async with sip_server(wait_for_hangup) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        local = writer.get_extra_info("sockname")[1]
        options = request("OPTIONS", server.port, local)
        options.headers.set("Via", f"SIP/2.0/TCP 127.0.0.1:{local};branch={new_branch()}")
        data = b"\r\n\r\n" + bytes(options)
        for index in range(0, len(data), 10):
            writer.write(data[index : index + 10])
            await writer.drain()
        framer = StreamFramer()
        messages: list[bytes] = []
        while not messages:
            messages = framer.feed(await asyncio.wait_for(reader.read(4096), 5))
        response = parse_message(messages[0])
        assert isinstance(response, SipResponse) and response.status == 200
        writer.close()


async def test_stop_hangs_up_open_calls_without_waiting_for_a_dead_peer():
    hangups: list[LegHangup] = []

    async def keep_hangups(leg) -> None:
        hangups.extend(e for e in await wait_for_hangup(leg) if isinstance(e, LegHangup))

    async with sip_server(keep_hangups) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        transport.sendto(bytes(request("INVITE", server.port, local, call_id="open", body=SDP)))
        ok = await final_response(probe)
        ack = request("ACK", server.port, local, call_id="open")
        ack.headers.set("To", ok.headers.get("To") or "")
        transport.sendto(bytes(ack))
        for _ in range(100):
            if server.calls and next(iter(server.calls.values())).state.value == "confirmed":
                break
            await asyncio.sleep(0.01)
        transport.close()  # the peer is gone: nobody will answer the BYE
        started = asyncio.get_running_loop().time()
    assert asyncio.get_running_loop().time() - started < 5
    # the dialog learns that this side ended the call, so its record does not blame the caller
    assert [h.local for h in hangups] == [True]


async def test_allow_listed_sources_are_not_rate_limited():
    limit = RateLimit(per_second=0.001, burst=1)
    async with sip_server(wait_for_hangup, rate_limit=limit, allow_list=["127.0.0.0/8"]) as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        statuses = []
        for index in range(3):
            transport.sendto(bytes(request("OPTIONS", server.port, local, call_id=f"pbx{index}")))
            statuses.append((await final_response(probe)).status)
        assert statuses == [200, 200, 200]
        transport.close()


async def test_a_server_bound_to_all_interfaces_advertises_the_address_the_peer_can_reach():
    async with sip_server(wait_for_hangup, host="0.0.0.0") as server:
        transport, probe = await udp_probe(server.port)
        local = transport.get_extra_info("sockname")[1]
        transport.sendto(bytes(request("INVITE", server.port, local, call_id="wild", body=SDP)))
        ok = await final_response(probe)
        assert ok.status == 200
        assert ok.headers.get("Contact") == f"<sip:voicebot@127.0.0.1:{server.port}>"
        assert b"c=IN IP4 127.0.0.1" in ok.body and b"0.0.0.0" not in ok.body
        transport.close()
