"""RtpMediaSession: the RTP session behind a SIP call leg, against a plain RtpSession as the phone."""

import asyncio

import numpy as np
import pytest

from telephony.leg import DtmfDigit
from telephony.rtp import PCMA, RtpSession, RtpSessionConfig
from telephony.rtp.sip_media import RtpMediaSession, codec_for
from telephony.sdp import MediaParams
from voicebot.audio import AudioFrame
from voicebot.clock import FakeClock


class Sink:
    def __init__(self) -> None:
        self.frames: list[AudioFrame] = []
        self.digits: list[DtmfDigit] = []
        self.lost: list[str] = []

    def audio(self, frame: AudioFrame) -> None:
        self.frames.append(frame)

    def dtmf(self, digit: DtmfDigit) -> None:
        self.digits.append(digit)

    def media_lost(self, reason: str) -> None:
        self.lost.append(reason)


def _params(port: int, codec: str = "PCMU", pt: int = 0, direction: str = "sendrecv"):
    return MediaParams("127.0.0.1", port, codec, pt, 8000, 101, 20, direction, False)


async def _wait_for(condition, limit_s: float) -> None:
    for _ in range(int(limit_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not met within {limit_s} s")


async def test_audio_and_digits_flow_both_ways_with_a_sip_call():
    bot = await RtpMediaSession.open("127.0.0.1")
    sink = Sink()
    loud = AudioFrame(np.full(320, 3000, np.int16))
    try:
        async with RtpSession(RtpSessionConfig(codec=PCMA)) as phone:
            await bot.start(_params(phone.local_address[1], "PCMA", 8), sink)
            phone.remote = ("127.0.0.1", bot.local_port)
            for _ in range(5):
                phone.send_frame(loud)
            await phone.send_dtmf("3", duration_ms=40)
            await _wait_for(lambda: sink.digits and len(sink.frames) >= 3, 2.0)
            for _ in range(5):
                await bot.send_audio(loud)
            heard = []
            async with asyncio.timeout(2.0):
                while not any(np.abs(f.samples).max() > 1000 for f in heard):
                    heard.append(await phone.receive())
    finally:
        await bot.close()
    assert [d.digit for d in sink.digits] == ["3"]
    assert any(np.abs(f.samples).max() > 1000 for f in sink.frames)
    assert bot.session.sender.codec.name == "PCMA"


async def test_silence_on_the_wire_for_the_timeout_means_media_lost():
    clock = FakeClock()
    bot = await RtpMediaSession.open("127.0.0.1", clock=clock, media_timeout_s=5.0)
    sink = Sink()
    try:
        await bot.start(_params(9), sink)  # nobody will ever send to us
        await clock.advance(4.0)
        assert sink.lost == []
        await clock.advance(2.0)
        assert sink.lost == ["no RTP for 5 s"]
    finally:
        await bot.close()


async def test_on_hold_we_neither_send_nor_time_out():
    clock = FakeClock()
    bot = await RtpMediaSession.open("127.0.0.1", clock=clock, media_timeout_s=5.0)
    sink = Sink()
    try:
        await bot.start(_params(9), sink)
        bot.update(_params(9, direction="inactive"))
        await bot.send_audio(AudioFrame.silence())
        await clock.advance(20.0)
        assert sink.lost == [] and bot.session.stats.packets_sent == 0
    finally:
        await bot.close()


def test_codec_choice_follows_the_sdp():
    assert codec_for(_params(1, "PCMU", 0)).payload_type == 0
    assert codec_for(_params(1, "pcma", 96)).payload_type == 96  # dynamic number, same codec
    with pytest.raises(ValueError, match="not opus/8000"):
        codec_for(_params(1, "opus", 111))
