"""Reading and filtering the a=candidate lines of an SDP, on what Chromium really offers."""

from telephony.webrtc.sdp_candidates import (
    all_loopback,
    candidate_addresses,
    is_loopback_host,
    keep_candidates,
    usable_remote_candidates,
)

CHROMIUM_OFFER = (  # --allow-loopback-in-peer-connection on a machine with one LAN interface
    "v=0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=candidate:3326627666 1 udp 2122194687 127.0.0.1 42681 typ host generation 0\r\n"
    "a=candidate:585678278 1 udp 2122063615 192.0.2.2 55591 typ host generation 0\r\n"
    "a=candidate:3613679066 1 udp 2122267903 ::1 46655 typ host generation 0\r\n"
    "a=candidate:3918429222 1 udp 2122134271 fd00::2 53755 typ host generation 0\r\n"
    "a=candidate:954375110 1 tcp 1518214911 127.0.0.1 9 typ host tcptype active\r\n"
    "a=candidate:1 1 udp 2122260223 4f1c2e9a-0b7e-4b1e-9d7e-2c1a.local 50000 typ host\r\n"
    "a=mid:0\r\n"
)


def test_candidate_addresses_in_order():
    assert candidate_addresses(CHROMIUM_OFFER) == [
        ("127.0.0.1", 42681),
        ("192.0.2.2", 55591),
        ("::1", 46655),
        ("fd00::2", 53755),
        ("127.0.0.1", 9),
        ("4f1c2e9a-0b7e-4b1e-9d7e-2c1a.local", 50000),
    ]


def test_loopback_means_127_0_0_0_8_and_ipv6_1_never_a_name():
    assert is_loopback_host("127.0.0.1") and is_loopback_host("127.8.9.1")
    assert is_loopback_host("::1")
    assert not is_loopback_host("192.0.2.2") and not is_loopback_host("fd00::2")
    assert not is_loopback_host("localhost") and not is_loopback_host("abc.local")
    assert all_loopback(["127.0.0.1", "::1"])
    assert not all_loopback([]) and not all_loopback(["127.0.0.1", "192.0.2.2"])


def test_keep_candidates_drops_only_refused_candidate_lines():
    kept = keep_candidates(CHROMIUM_OFFER, is_loopback_host)
    assert [host for host, _ in candidate_addresses(kept)] == ["127.0.0.1", "::1", "127.0.0.1"]
    assert kept.startswith("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n")
    assert kept.endswith("a=mid:0\r\n")


def test_a_loopback_only_server_ignores_the_peers_lan_candidates():
    loopback = usable_remote_candidates(CHROMIUM_OFFER, ["127.0.0.1"])
    assert {host for host, _ in candidate_addresses(loopback)} == {"127.0.0.1", "::1"}
    assert usable_remote_candidates(CHROMIUM_OFFER, []) == CHROMIUM_OFFER
    assert usable_remote_candidates(CHROMIUM_OFFER, ["192.0.2.2"]) == CHROMIUM_OFFER
