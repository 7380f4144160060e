import numpy as np
import pytest

from telephony.leg import DtmfDigit
from telephony.rtp import PCMU, InboundMedia, RtpPacket, dtmf_packets
from voicebot.audio import AudioFrame, rms_dbfs


def _audio_packet(seq: int, level: int = 8000) -> RtpPacket:
    t = np.arange(160) / 8000
    tone = np.round(level * np.sin(2 * np.pi * 400 * t)).astype(np.int16)
    return RtpPacket(0, seq, seq * 160, 3, PCMU.encode(tone))


def _ticks(media: InboundMedia, count: int, start: float) -> list:
    return [e for i in range(count) for e in media.tick(start + i * 0.02)]


def test_nothing_comes_out_before_media_then_one_16k_frame_per_tick():
    media = InboundMedia(PCMU, jitter_prefetch=1)
    assert _ticks(media, 5, 0.0) == []
    for seq in range(20):
        media.receive(_audio_packet(seq), arrival=0.1 + seq * 0.02)
    frames = _ticks(media, 20, 0.1)
    assert len(frames) == 20 and all(len(f.samples) == 320 for f in frames)
    assert [round(f.timestamp, 2) for f in frames[:2]] == [0.1, 0.12]
    assert all(f.sample_rate == 16000 for f in frames)


def test_a_lost_packet_is_replayed_fading_and_an_underrun_is_silence():
    media = InboundMedia(PCMU, jitter_prefetch=1)
    for seq in (0, 1, 2, 3, 5, 6):  # 4 is lost
        media.receive(_audio_packet(seq), arrival=0.0)
    frames: list[AudioFrame] = _ticks(media, 12, 0.0)
    energy = [float(np.sum(f.samples.astype(np.float64) ** 2)) for f in frames]
    # six packets at full level plus one repeat 6 dB down (a quarter of the energy); the
    # resampler's ~30 ms delay smears the boundaries over neighbouring frames, not the total
    assert sum(energy) / energy[3] == pytest.approx(6.25, abs=0.1)
    assert rms_dbfs(frames[-1].samples) < -60  # the buffer ran dry: silence, not a repeat


def test_dtmf_and_unknown_payload_types():
    media = InboundMedia(PCMU, dtmf_payload_type=101)
    digits = []
    for index, payload in enumerate(dtmf_packets("8")):
        packet = RtpPacket(101, 50 + index, 8000, 3, payload, marker=index == 0)
        digits += media.receive(packet, arrival=2.0)
    media.receive(RtpPacket(13, 99, 0, 3, b"\x40"), arrival=2.1)  # comfort noise: not negotiated
    assert digits == [DtmfDigit("8", 2.0, 0.1)]
    assert media.ignored_packets == 1
