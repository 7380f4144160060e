import asyncio

from telephony.leg import DtmfDigit, LegHangup
from voicebot.asr.hypothesis import Hypothesis
from voicebot.clock import FakeClock
from voicebot.conversation.inbox import CallerGone, Inbox, KeyPressed
from voicebot.conversation.listener import FinalTranscript, UtteranceStarted
from voicebot.dialog.protocol import InputTimeout


def final(text: str) -> FinalTranscript:
    return FinalTranscript(Hypothesis(text, True), 0.0, 0.0, 0.0, 0.0, True)


async def test_silence_becomes_a_timeout_of_the_asked_kind():
    clock = FakeClock()
    waiting = asyncio.create_task(Inbox(clock).next("no_input", 6.0))
    await clock.advance(5.9)
    assert not waiting.done()
    await clock.advance(0.1)
    assert await waiting == InputTimeout("no_input")


async def test_noise_gives_the_full_time_again_and_talking_pauses_the_timer():
    clock = FakeClock()
    inbox = Inbox(clock)
    waiting = asyncio.create_task(inbox.next("no_input", 6.0))
    await clock.advance(5.0)
    inbox.put(final(""))  # a cough: not an answer
    await clock.advance(5.0)
    assert not waiting.done()
    inbox.put(UtteranceStarted(10.0))
    await clock.advance(20.0)  # a long answer: no timeout while it lasts
    assert not waiting.done()
    inbox.put(final("my account number is 1234"))
    assert (await waiting).hypothesis.text == "my account number is 1234"


async def test_inputs_come_in_order_and_a_hangup_overrides_what_is_queued():
    clock = FakeClock()
    inbox = Inbox(clock)
    inbox.put(KeyPressed(DtmfDigit("5")))
    assert await inbox.next("inter_digit", 3.0) == KeyPressed(DtmfDigit("5"))
    inbox.put(final("hello"))
    inbox.put(CallerGone(LegHangup("gone")))
    assert await inbox.next("no_input", 6.0) == CallerGone(LegHangup("gone"))
