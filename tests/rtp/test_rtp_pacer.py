import asyncio

import numpy as np

from telephony.rtp import PCMU, RtpPacer, RtpPacket, RtpSender
from voicebot.audio import AudioFrame
from voicebot.clock import FakeClock


async def test_pacer_sends_50_packets_a_second_without_drift_for_10_minutes():
    clock = FakeClock(start=1000.0)
    sender = RtpSender(PCMU, ssrc=42, first_sequence=65000, first_timestamp=0xFFFF0000)
    sent: list[tuple[float, RtpPacket]] = []

    def send(frame: AudioFrame) -> None:
        sent.extend((clock.now(), packet) for packet in sender.audio(frame))

    pacer = RtpPacer(send, clock)
    pacer.submit(AudioFrame(np.full(320, 1000, np.int16)))  # one real frame, then silence
    seconds = 600
    task = asyncio.create_task(pacer.run(ticks=seconds * 50 + 1))
    await clock.advance(seconds)
    await task

    assert pacer.stats.ticks == 30001
    assert (pacer.stats.frames_sent, pacer.stats.silence_sent) == (1, 30000)
    assert len(sent) == 30001  # one packet per tick
    times = np.array([t for t, _ in sent])
    assert np.array_equal(times, 1000.0 + 0.02 * np.arange(30001))  # no drift, exactly
    per_second = np.bincount(((times[:-1] - 1000.0 + 1e-9) // 1).astype(int))
    assert per_second.tolist() == [50] * seconds
    seqs = np.array([p.sequence_number for _, p in sent])
    assert np.all(np.diff(seqs) % 65536 == 1)  # continuous through the 16-bit wrap
    stamps = np.array([p.timestamp for _, p in sent], dtype=np.int64)
    assert np.all(np.diff(stamps) % 2**32 == 160)  # continuous through the 32-bit wrap
    assert sent[0][1].marker and not any(p.marker for _, p in sent[1:])


async def test_a_full_queue_drops_the_oldest_and_clear_empties_it():
    clock = FakeClock()
    got: list[AudioFrame] = []
    pacer = RtpPacer(got.append, clock, queue_frames=2)
    for value in (1, 2, 3):
        pacer.submit(AudioFrame(np.full(320, value, np.int16)))
    assert pacer.stats.dropped == 1
    task = asyncio.create_task(pacer.run(ticks=3))
    await clock.advance(0.1)
    await task
    assert [int(f.samples[0]) for f in got] == [2, 3, 0]
    pacer.submit(AudioFrame(np.ones(320, np.int16)))
    assert pacer.clear() == 1
