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


class _StallingClock(FakeClock):
    """A clock whose sleeps overshoot once by 300 ms, like an event loop blocked by CPU work."""

    def __init__(self) -> None:
        super().__init__()
        self.stall_at = 0.1

    async def sleep_until(self, deadline: float) -> None:
        await super().sleep_until(deadline)
        if self.stall_at is not None and self.now() >= self.stall_at:
            self.stall_at = None
            self._now += 0.3


async def test_after_a_stall_the_pacer_restarts_its_schedule_instead_of_bursting():
    clock = _StallingClock()
    sent_at: list[float] = []
    pacer = RtpPacer(lambda frame: sent_at.append(clock.now()), clock)
    task = asyncio.create_task(pacer.run(ticks=20))
    await clock.advance(1.0)
    await task
    gaps = np.diff(sent_at)
    assert pacer.stats.resyncs == 1
    assert np.count_nonzero(gaps < 0.019) == 0  # no back-to-back burst
    assert np.allclose(gaps[gaps < 0.1], 0.02)
