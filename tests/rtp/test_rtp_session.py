"""Two RtpSessions talking over UDP on 127.0.0.1, in real time (about 1.5 s for the whole file)."""

import asyncio

import numpy as np
import pytest

from telephony.leg import DtmfDigit
from telephony.rtp import PCMA, PCMU, RtpPacer, RtpPacket, RtpSession, RtpSessionConfig
from voicebot.audio import AudioFrame, frames_from_pcm

LOCAL = ("127.0.0.1", 0)


def _tone(freq: float, seconds: float, rate: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return np.round(8000 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def _peak_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


async def _wait_for(condition, limit_s: float) -> None:
    for _ in range(int(limit_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not met within {limit_s} s")


async def _collect_audio(session: RtpSession, until_silence_after: int, limit_s: float):
    """Inbound frames until `until_silence_after` loud frames have been followed by silence."""
    loud: list[np.ndarray] = []
    digits: list[DtmfDigit] = []
    async with asyncio.timeout(limit_s):
        async for event in session.events():
            if isinstance(event, DtmfDigit):
                digits.append(event)
            elif np.abs(event.samples).max() > 1000:
                loud.append(event.samples)
            elif len(loud) >= until_silence_after:
                return loud, digits
    return loud, digits


@pytest.mark.parametrize("codec", [PCMU, PCMA])
async def test_a_one_second_tone_arrives_with_its_frequency(codec):
    config = RtpSessionConfig(codec=codec, rtcp_interval_s=None)
    async with RtpSession(config) as caller, RtpSession(config) as bot:
        caller.remote = bot.local_address
        pacer = RtpPacer(caller.send_frame, queue_frames=60)  # the whole second waits in it
        for frame in frames_from_pcm(_tone(1000, 1.0), 16000):
            pacer.submit(frame)
        pacer_task = asyncio.create_task(pacer.run(ticks=60))
        loud, _ = await _collect_audio(bot, until_silence_after=45, limit_s=3.0)
        await pacer_task
    received = np.concatenate(loud)
    assert 0.9 <= len(received) / 16000 <= 1.05
    assert abs(_peak_frequency(received, 16000) - 1000) < 5
    assert bot.remote == caller.local_address  # latched onto the caller's source address
    assert bot.stats.packets_received >= 49 and bot.media.jitter.stats.lost == 0


async def test_dtmf_digits_cross_once_each_and_audio_keeps_flowing():
    config = RtpSessionConfig(rtcp_interval_s=None)
    async with RtpSession(config) as caller, RtpSession(config) as bot:
        caller.remote = bot.local_address
        silence = AudioFrame(np.zeros(320, np.int16))
        for _ in range(3):
            caller.send_frame(silence)  # media first, so the bot's playout starts
        for digit in "1#":
            await caller.send_dtmf(digit, duration_ms=60)
        digits = []
        async with asyncio.timeout(2.0):
            async for event in bot.events():
                if isinstance(event, DtmfDigit):
                    digits.append(event.digit)
                if len(digits) == 2:
                    break
    assert digits == ["1", "#"]
    assert caller.stats.packets_sent == 3 + 2 * (2 + 3)  # audio, then 2 updates + 3 ends a digit


async def test_rtcp_reports_flow_over_the_rtp_port():
    config = RtpSessionConfig(rtcp_interval_s=0.1)
    async with RtpSession(config) as a, RtpSession(config) as b:
        a.remote = b.local_address
        for frame in frames_from_pcm(_tone(500, 0.1), 16000):
            a.send_frame(frame)
        await _wait_for(lambda: a.stats.rtcp_received and b.stats.rtcp_received, 2.0)
        report = a.last_remote_report  # b had only received: a receiver report about a's stream
        assert report is not None and report.ssrc == b.sender.ssrc
        assert report.reports and report.reports[0].ssrc == a.sender.ssrc
        assert b.last_remote_report is not None and b.last_remote_report.packet_count == 5


async def test_malformed_and_foreign_packets_are_counted_and_remote_can_relatch():
    loop = asyncio.get_running_loop()
    first, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=LOCAL)
    second, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=LOCAL)
    try:
        async with RtpSession(RtpSessionConfig(rtcp_interval_s=None)) as bot:
            first.sendto(b"\x00garbage", bot.local_address)
            first.sendto(bytes(RtpPacket(0, 1, 0, 9, b"\xff" * 160)), bot.local_address)
            await _wait_for(lambda: bot.stats.packets_received == 1, 1.0)
            second.sendto(bytes(RtpPacket(0, 1, 0, 10, b"\xff" * 160)), bot.local_address)
            await _wait_for(lambda: bot.stats.foreign == 1, 1.0)
            assert bot.stats.malformed == 1
            assert bot.remote == first.get_extra_info("sockname")

            bot.remote = None  # a re-INVITE moved the media: latch onto the next source
            second.sendto(bytes(RtpPacket(0, 2, 160, 10, b"\xff" * 160)), bot.local_address)
            await _wait_for(lambda: bot.remote is not None, 1.0)
            assert bot.remote == second.get_extra_info("sockname")
    finally:
        first.close()
        second.close()
