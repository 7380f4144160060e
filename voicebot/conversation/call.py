"""One call's real-time loop: greet, listen, understand, respond, with barge-in, timeouts and DTMF.

All of a call's tasks live in one asyncio.TaskGroup owned by `Conversation.run()`:
- the leg reader: caller frames into the Listener (VAD, endpointer, ASR), DTMF and hangup into the inbox;
- the playout clock: one 20 ms frame per tick to the leg;
- the Listener's decodes;
- the dialog loop, in `run()` itself: one input at a time to the dialog, its actions carried out in order.

Barge-in is handled where the caller's voice is detected, synchronously: the next playout tick is
already silence. The no-input timer starts when the bot's audio has finished playing and pauses while
the caller talks.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import numpy as np

from telephony.leg import CallLeg, DtmfDigit, LegEvent, LegHangup
from voicebot.audio import AudioFrame
from voicebot.conversation.events import (
    BargeInEvent,
    BotSpeechEvent,
    CallEndedEvent,
    ConversationEvent,
    DialogStateEvent,
    TranscriptEvent,
    TurnMetricsEvent,
)
from voicebot.conversation.inbox import CallerGone, CallerInput, Inbox, KeyPressed
from voicebot.conversation.listener import (
    FinalTranscript,
    Listener,
    ListenerEvent,
    PartialTranscript,
    UtteranceStarted,
    VoiceOnset,
)
from voicebot.conversation.metrics import CallRecord, TurnRecord
from voicebot.conversation.playout import PlaybackReport, Playout
from voicebot.conversation.services import CallServices
from voicebot.dialog.protocol import (
    Action,
    CallEnded,
    CallerPressed,
    CallerSaid,
    CallStarted,
    DialogEvent,
    DialogSession,
    Hangup,
    InputTimeout,
    Listen,
    Say,
    ScheduleCallback,
    Transfer,
)

log = logging.getLogger(__name__)


EventSink = Callable[[ConversationEvent], None]


class Conversation:
    def __init__(
        self,
        leg: CallLeg,
        dialog_session: DialogSession,
        services: CallServices,
        *,
        on_event: EventSink | None = None,
        variables: Mapping[str, Any] | None = None,
        dialog_name: str = "",
    ) -> None:
        self._leg = leg
        self._session = dialog_session
        self._services = services
        self._clock = services.clock
        self._on_event = on_event
        self._variables = dict(variables or {})
        self._variables.setdefault("caller", leg.remote_party)
        self._variables.setdefault("call_id", leg.call_id)
        self.record = CallRecord(leg.call_id, leg.remote_party, dialog_name, self._clock.now())
        self._inbox = Inbox(self._clock)
        self._playout = Playout(leg.send_audio, self._clock)
        self._listener: Listener | None = None
        self._listen = Listen(no_input_timeout=services.settings.no_input_timeout)
        self._turn: TurnRecord | None = None  # the turn whose reply is playing
        self._finished = False

    @property
    def playout(self) -> Playout:
        return self._playout

    async def run(self) -> CallRecord:
        try:
            async with asyncio.TaskGroup() as tasks:
                services = self._services
                self._listener = Listener(
                    services.make_detector(),
                    services.make_endpointer(),
                    services.asr,
                    self._clock,
                    tasks,
                    self._on_listener_event,
                    services.listener_config(),
                    services.track_work,
                )
                background = [
                    tasks.create_task(self._playout.run(), name=f"{self._leg.call_id} playout"),
                    tasks.create_task(self._read_leg(), name=f"{self._leg.call_id} leg reader"),
                ]
                try:
                    await self._converse()
                finally:
                    for task in background:
                        task.cancel()
                    self._listener.close()
        except asyncio.CancelledError:
            if self.record.outcome == "in_progress":  # the server shut down under the call
                self.record.outcome, self.record.end_reason = "cancelled", "cancelled"
            raise
        finally:
            self.record.ended_at = self._clock.now()
            self._publish(
                CallEndedEvent(self.record.outcome, self.record.end_reason, self._clock.now())
            )
        return self.record

    # ---- inbound: the leg and the listener ----------------------------------------------

    async def _read_leg(self) -> None:
        assert self._listener is not None
        async with contextlib.aclosing(self._leg.events()) as events:
            await self._dispatch(events, self._listener)
        if self._inbox.gone is None:  # a leg that ends without LegHangup still ended the call
            self._playout.stop()
            self._inbox.put(CallerGone(LegHangup("leg closed", self._clock.now())))

    async def _dispatch(self, events: AsyncIterator[LegEvent], listener: Listener) -> None:
        async for event in events:
            match event:
                case AudioFrame():
                    listener.feed(event)
                case DtmfDigit():
                    self._interrupt(event.timestamp, because="dtmf")
                    self._inbox.put(KeyPressed(event))
                case LegHangup():
                    self._inbox.put(CallerGone(event))
                    self._playout.stop()
                    return

    def _on_listener_event(self, event: ListenerEvent) -> None:
        match event:
            case VoiceOnset(onset=onset):
                self._interrupt(onset, because="speech")
            case UtteranceStarted():
                self._inbox.put(event)
            case PartialTranscript(hypothesis=hypothesis, timestamp=timestamp):
                self._publish(
                    TranscriptEvent(hypothesis.text, False, timestamp, hypothesis.confidence)
                )
            case FinalTranscript(hypothesis=hypothesis, ready_at=ready_at):
                self._publish(
                    TranscriptEvent(hypothesis.text, True, ready_at, hypothesis.confidence)
                )
                self._inbox.put(event)

    def _interrupt(self, onset: float, *, because: str) -> None:
        """Barge-in: stop interruptible bot audio now and report what the caller heard."""
        if not self._playout.interruptible:
            return
        if because == "speech" and not self._barge_in_enabled:
            return
        report = self._playout.stop()
        if report is None:
            return
        if self._turn is not None:
            self._turn.barge_in = report
        log.debug("%s: barge-in by %s after %d ms", self._leg.call_id, because, report.played_ms)
        self._publish(BargeInEvent(report, self._clock.now(), onset))

    # ---- the dialog loop ----------------------------------------------------------------

    async def _converse(self) -> None:
        try:
            await self._respond(CallStarted(self._variables), self.record.new_turn("call_started"))
            key_pending = False  # the last input was a key and the dialog said nothing back
            while not self._finished:
                item = await self._next_input(inter_digit=key_pending)
                match item:
                    case CallerGone(hangup=hangup):
                        await self._end_by_caller(hangup)
                    case FinalTranscript(hypothesis=hypothesis) if hypothesis.text.strip():
                        turn = self.record.new_turn("said")
                        _fill_speech_metrics(turn, item)
                        event = CallerSaid(hypothesis.text.strip(), hypothesis.confidence)
                        await self._respond(event, turn)
                        key_pending = False
                    case KeyPressed(digit=key):
                        turn = self.record.new_turn("pressed")
                        turn.digit = key.digit
                        key_pending = not await self._respond(CallerPressed(key.digit), turn)
                    case InputTimeout(kind=kind):
                        key_pending = False
                        await self._respond(InputTimeout(kind), self.record.new_turn(kind))
                    case FinalTranscript(hypothesis=hypothesis):
                        # the VAD heard a voice, Whisper heard no words (noise, a cough): listen
                        # on; logged, since a caller whose speech keeps landing here hears nothing
                        log.info(
                            "%s: no words in %.1f s of speech (decode %.0f ms%s), listening on",
                            self._leg.call_id,
                            hypothesis.end - hypothesis.start,
                            hypothesis.decode_seconds * 1000,
                            ", speculative" if item.speculative else "",
                        )
        except Exception as exc:
            log.exception("%s: conversation failed", self._leg.call_id)
            self.record.outcome, self.record.end_reason = "failed", f"{type(exc).__name__}: {exc}"
            if self._inbox.gone is None:
                await self._leg.hangup("error")

    async def _next_input(self, *, inter_digit: bool) -> CallerInput | InputTimeout:
        if inter_digit:
            return await self._inbox.next("inter_digit", self._listen.inter_digit_timeout)
        return await self._inbox.next("no_input", self._listen.no_input_timeout)

    async def _end_by_caller(self, hangup: LegHangup) -> None:
        self._finished = True
        # a hangup from our own side that the dialog did not ask for: the server shutting down
        outcome = "ended_by_server" if hangup.local else "caller_hangup"
        self.record.outcome, self.record.end_reason = outcome, hangup.reason
        async with contextlib.aclosing(self._actions(CallEnded(hangup.reason))) as actions:
            async for _ in actions:
                pass  # the dialog may record the end; nothing is carried out after it

    async def _respond(self, event: DialogEvent, turn: TurnRecord) -> bool:
        """Carry out the dialog's actions for `event`; True if the bot said something."""
        async with contextlib.aclosing(self._actions(event)) as actions:
            said = await self._carry_out(actions, turn)
        trace = self._session.trace()
        turn.state, turn.intent = trace.state, trace.intent
        self._publish(DialogStateEvent(trace, self._clock.now()))
        self._publish(TurnMetricsEvent(dataclasses.replace(turn, bot_texts=list(turn.bot_texts))))
        return said

    async def _carry_out(self, actions: AsyncIterator[Action], turn: TurnRecord) -> bool:
        said = False
        barged_in = False
        async for action in actions:
            if turn.reply_ready is None:
                turn.reply_ready = self._clock.now()
            if self._inbox.gone is not None:
                break  # the caller hung up meanwhile: the rest is moot
            match action:
                case Say(text=text, interruptible=interruptible):
                    if barged_in:
                        continue  # the caller is talking: the rest of this reply would talk over them
                    said = True
                    turn.bot_texts.append(text)
                    report = await self._say(text, interruptible, turn)
                    barged_in = report.interrupted
                case Listen():
                    self._listen = action
                case Transfer(target=target, context=context):
                    result = await self._leg.transfer(target, context)
                    if result.accepted:
                        self._finish("transferred", f"transferred to {target}")
                        self.record.transfer_target = target
                        break
                    log.warning(
                        "%s: transfer to %s refused: %s", self._leg.call_id, target, result.detail
                    )
                case Hangup(outcome=outcome):
                    await self._leg.hangup("bot hangup")
                    self._finish(outcome, "bot hangup")
                    break
                case ScheduleCallback(number=number, when=when, reason=reason):
                    self.record.callbacks.append({"number": number, "when": when, "reason": reason})
        return said

    async def _actions(self, event: DialogEvent) -> AsyncIterator[Action]:
        responses = aiter(self._session.respond(event))
        try:
            while True:
                with (
                    self._services.track_work()
                ):  # the dialog may compute (NLU) or wait on a webhook
                    try:
                        action = await anext(responses)
                    except StopAsyncIteration:
                        return
                yield action
        finally:
            close = getattr(responses, "aclose", None)
            if close is not None:
                await close()

    async def _say(self, text: str, interruptible: bool, turn: TurnRecord) -> PlaybackReport:
        talking_since = self._listener.caller_talking_since if self._listener else None
        if talking_since is not None and interruptible and self._barge_in_enabled:
            # the caller went on talking while the reply was prepared: they keep the floor
            report = PlaybackReport(text, 0, 0, True, "")
            turn.barge_in = report
            self._publish(BargeInEvent(report, self._clock.now(), talking_since))
            return report
        self._publish(BotSpeechEvent(text, self._clock.now(), interruptible))
        self._turn = turn

        def first_frame(timestamp: float) -> None:
            if turn.first_audio is None:
                turn.first_audio = timestamp

        try:
            return await self._playout.play(
                text, self._synthesize(text), interruptible=interruptible, on_start=first_frame
            )
        finally:
            self._turn = None

    async def _synthesize(self, text: str) -> AsyncIterator[np.ndarray]:
        chunks = aiter(self._services.speech.stream(text))
        try:
            while True:
                with self._services.track_work():
                    try:
                        chunk = await anext(chunks)
                    except StopAsyncIteration:
                        return
                yield chunk
        finally:
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()

    @property
    def _barge_in_enabled(self) -> bool:
        return self._services.settings.barge_in.enabled

    def _finish(self, outcome: str, reason: str) -> None:
        self._finished = True
        self.record.outcome, self.record.end_reason = outcome, reason

    def _publish(self, event: ConversationEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:  # a broken watcher (a closed web page) never breaks the call
            log.exception("%s: event watcher failed on %s", self._leg.call_id, type(event).__name__)


def _fill_speech_metrics(turn: TurnRecord, final: FinalTranscript) -> None:
    hypothesis = final.hypothesis
    turn.caller_text = hypothesis.text.strip()
    turn.confidence = hypothesis.confidence
    turn.speech_start = final.speech_start
    turn.last_sound = final.last_sound
    turn.speech_end = final.speech_end
    turn.asr_final = final.ready_at
    turn.asr_decode_s = hypothesis.decode_seconds
    turn.speculative_hit = final.speculative
