"""What the dialog loop of a call waits for, with the timer that turns silence into InputTimeout.

Finals, keys and the hangup arrive in order. The timer (no-input after the bot's prompt, or
inter-digit after a key) runs on the call's Clock and pauses while the caller is talking, so a long
answer is never cut off by a timeout.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from telephony.leg import DtmfDigit, LegHangup
from voicebot.clock import Clock
from voicebot.conversation.listener import FinalTranscript, UtteranceStarted
from voicebot.dialog.protocol import InputTimeout


@dataclass(frozen=True, slots=True)
class KeyPressed:
    digit: DtmfDigit


@dataclass(frozen=True, slots=True)
class CallerGone:
    hangup: LegHangup


CallerInput = FinalTranscript | KeyPressed | CallerGone


class Inbox:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        # unbounded but low rate: one item per utterance, key or hangup
        self._queue: asyncio.Queue[CallerInput | UtteranceStarted] = asyncio.Queue()
        self.caller_speaking = False
        self.gone: LegHangup | None = None

    def put(self, item: CallerInput | UtteranceStarted) -> None:
        match item:
            case UtteranceStarted():
                self.caller_speaking = True
            case FinalTranscript():
                self.caller_speaking = False
            case CallerGone(hangup=hangup):
                self.gone = self.gone or hangup
        self._queue.put_nowait(item)

    async def next(self, kind: str, seconds: float) -> CallerInput | InputTimeout:
        """The next input, or InputTimeout(kind) after `seconds` without one (while nobody talks)."""
        deadline = self._clock.now() + seconds
        while True:
            if self.gone is not None:  # the caller left: whatever else is queued is moot
                return CallerGone(self.gone)
            item = await self._get_before(None if self.caller_speaking else deadline)
            match item:
                case None:
                    return InputTimeout(kind)
                case UtteranceStarted():
                    continue
                case FinalTranscript(hypothesis=hypothesis) if not hypothesis.text.strip():
                    deadline = self._clock.now() + seconds  # noise, not an answer: full time again
                    continue
            return item

    async def _get_before(self, deadline: float | None) -> CallerInput | UtteranceStarted | None:
        if deadline is None or not self._queue.empty():
            return await self._queue.get()
        getter = asyncio.ensure_future(self._queue.get())
        timer = asyncio.ensure_future(self._clock.sleep_until(deadline))
        try:
            await asyncio.wait({getter, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            if not getter.done():
                getter.cancel()
        return getter.result() if getter.done() and not getter.cancelled() else None
