"""Live calls: who is talking to the bot now, and the event stream of each call.

`CallRegistry.start_call(leg, dialog_name)` runs one conversation per call in a task the registry
owns (cancelled by `close()` on shutdown) and closes the leg when it ends. Every event the
conversation emits goes to the call's `EventChannel`: a short history, so a page or agent console
that subscribes late still gets the transcript so far, and one bounded queue per subscriber, so a
reader that stops reading loses its oldest events instead of growing memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from telephony.leg import CallLeg
from telephony.webrtc.bounded import DropOldestQueue
from voicebot.clock import Clock, MonotonicClock

log = logging.getLogger(__name__)

HISTORY_EVENTS = 500  # per call: enough for a long call's transcript, states and metrics
SUBSCRIBER_EVENTS = 256
ENDED_CALLS_KEPT = 50
READY_TIMEOUT = 15.0  # seconds a transport may take to connect its media (ICE, DTLS)  # recently ended calls whose history a late subscriber can still read

EventSink = Callable[[Any], None]


class CallRunner(Protocol):
    """Runs one call to its end: feeds `leg` to a conversation, reporting events to `on_event`."""

    def __call__(
        self, leg: CallLeg, dialog_name: str, variables: Mapping[str, Any], on_event: EventSink
    ) -> Awaitable[Any]: ...


def event_to_json(event: Any) -> dict[str, Any]:
    """A conversation event (anything with `to_json()`) or a ready dict, as a JSON-able dict."""
    if isinstance(event, Mapping):
        return dict(event)
    to_json = getattr(event, "to_json", None)
    if to_json is None:
        raise TypeError(f"call events need to_json(), got {type(event).__name__}")
    return to_json()


class EventChannel:
    """One call's events: history plus fan-out to subscribers. `close()` ends every subscription."""

    def __init__(self, history: int = HISTORY_EVENTS, per_subscriber: int = SUBSCRIBER_EVENTS):
        self._history: deque[dict[str, Any]] = deque(maxlen=history)
        self._per_subscriber = per_subscriber
        self._subscribers: set[DropOldestQueue[dict[str, Any] | None]] = set()
        self.closed = False

    @property
    def history(self) -> list[dict[str, Any]]:
        return list(self._history)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def publish(self, event: dict[str, Any]) -> None:
        if self.closed:
            return
        self._history.append(event)
        for queue in self._subscribers:
            queue.put_nowait(event)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            for queue in self._subscribers:
                queue.put_nowait(None)  # None is the end marker and is never the one dropped

    async def subscribe(self) -> AsyncIterator[dict[str, Any]]:
        """The history so far, then live events until the call ends."""
        queue: DropOldestQueue[dict[str, Any] | None] = DropOldestQueue(
            self._per_subscriber, droppable=lambda item: item is not None
        )
        for event in self._history:
            queue.put_nowait(event)
        if self.closed:
            queue.put_nowait(None)
        self._subscribers.add(queue)
        try:
            while (event := await queue.get()) is not None:
                yield event
        finally:
            self._subscribers.discard(queue)


@dataclass
class ActiveCall:
    call_id: str
    leg: CallLeg
    dialog: str
    started_at: float
    events: EventChannel = field(default_factory=EventChannel)
    task: asyncio.Task[Any] | None = None
    result: Any = None  # what the runner returned (the CallRecord) once ended

    def summary(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "dialog": self.dialog,
            "remote_party": self.leg.remote_party,
            "started_at": self.started_at,
            "active": self.task is not None and not self.task.done(),
        }


class UnknownCallError(KeyError):
    """No live or recently ended call has this id."""


class CallRegistry:
    def __init__(self, runner: CallRunner, clock: Clock | None = None) -> None:
        self._runner = runner
        self._clock = clock or MonotonicClock()
        self._active: dict[str, ActiveCall] = {}
        self._ended: OrderedDict[str, ActiveCall] = OrderedDict()
        self._closing = False

    def __len__(self) -> int:
        return len(self._active)

    def active_calls(self) -> list[ActiveCall]:
        return list(self._active.values())

    def get(self, call_id: str) -> ActiveCall:
        call = self._active.get(call_id) or self._ended.get(call_id)
        if call is None:
            raise UnknownCallError(f"no call {call_id!r}")
        return call

    def subscribe(self, call_id: str) -> AsyncIterator[dict[str, Any]]:
        return self.get(call_id).events.subscribe()

    def start_call(
        self,
        leg: CallLeg,
        dialog_name: str,
        variables: Mapping[str, Any] | None = None,
        *,
        ready: Callable[[], Awaitable[bool]] | None = None,
        ready_timeout: float = READY_TIMEOUT,
    ) -> str:
        """Run the call in a task the registry owns; returns its id.

        `ready` (e.g. WebRtcCallLeg.media_started) is awaited before the conversation starts, so
        the greeting is not spoken into a transport that is still connecting; False or no answer
        within `ready_timeout` ends the call unstarted.
        """
        if self._closing:
            raise RuntimeError("the call registry is shutting down; no new calls")
        call_id = leg.call_id
        if call_id in self._active:
            raise ValueError(f"call {call_id!r} is already running")
        call = ActiveCall(call_id, leg, dialog_name, self._clock.now())
        call.events.publish(
            {
                "type": "call_started",
                "call_id": call_id,
                "dialog": dialog_name,
                "remote_party": leg.remote_party,
                "timestamp": call.started_at,
            }
        )
        self._active[call_id] = call
        call.task = asyncio.get_running_loop().create_task(
            self._run(call, dict(variables or {}), ready, ready_timeout), name=f"call-{call_id}"
        )
        return call_id

    async def _run(
        self,
        call: ActiveCall,
        variables: dict[str, Any],
        ready: Callable[[], Awaitable[bool]] | None,
        ready_timeout: float,
    ) -> None:
        def on_event(event: Any) -> None:
            try:
                call.events.publish(event_to_json(event))
            except Exception:  # a bad event must not end the call
                log.exception("%s: cannot publish event %r", call.call_id, event)

        reason = "completed"
        try:
            if ready is not None and not await _ready_within(ready, ready_timeout):
                reason = "media did not start"
                return
            call.result = await self._runner(call.leg, call.dialog, variables, on_event)
        except asyncio.CancelledError:
            reason = "shutdown"
            raise
        except Exception as exc:
            reason = f"error: {exc}"
            log.exception("%s: conversation failed", call.call_id)
        finally:
            await self._finish(call, reason)

    async def _finish(self, call: ActiveCall, reason: str) -> None:
        if call.call_id not in self._active:
            return  # already finished
        del self._active[call.call_id]
        if not any(e.get("type") == "call_ended" for e in call.events.history):
            call.events.publish(
                {
                    "type": "call_ended",
                    "outcome": reason,
                    "reason": reason,
                    "timestamp": self._clock.now(),
                }
            )
        call.events.close()
        self._ended[call.call_id] = call
        while len(self._ended) > ENDED_CALLS_KEPT:
            self._ended.popitem(last=False)
        await _close_leg(call.leg)

    async def wait_ended(self, call_id: str) -> Any:
        """Wait for a call to end; returns the runner's result (the CallRecord)."""
        call = self.get(call_id)
        if call.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(call.task)
        return call.result

    async def close(self) -> None:
        """Shutdown: end every call and wait for its cleanup."""
        self._closing = True
        tasks = [c.task for c in self._active.values() if c.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for call in list(self._active.values()):  # tasks cancelled before they ever ran
            await self._finish(call, "shutdown")


async def _ready_within(ready: Callable[[], Awaitable[bool]], seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            return await ready()
    except TimeoutError:
        return False


async def _close_leg(leg: CallLeg) -> None:
    close = getattr(leg, "close", None)
    try:
        if close is not None:
            await close()
        else:
            await leg.hangup("call ended")
    except Exception:
        log.exception("%s: closing the leg failed", leg.call_id)


def conversation_runner(runtime: Any) -> CallRunner:
    """The production runner: each call gets a new dialog session and a Conversation on the
    runtime's shared services (`runtime.dialog(name)`, `runtime.services`)."""

    async def run(
        leg: CallLeg, dialog_name: str, variables: Mapping[str, Any], on_event: EventSink
    ) -> Any:
        from voicebot.conversation.call import Conversation  # engine code loads with the first call

        session = runtime.dialog(dialog_name).new_session(variables)
        conversation = Conversation(
            leg,
            session,
            runtime.services,
            on_event=on_event,
            variables=variables,
            dialog_name=dialog_name,
        )
        return await conversation.run()

    return run
