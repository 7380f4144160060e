"""Outbound calls: dial a SIP URI, run a dialog when answered, keep the outcome.

`OutboundDialer.place(to, dialog, variables)` returns at once with an attempt id; the attempt runs
in a task the dialer owns (cancelled on shutdown). Unanswered attempts (busy, no answer, ...) are
saved to the call store like finished calls, so a campaign's report sees every attempt.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telephony.sip.client import DialResult, SipClient

log = logging.getLogger(__name__)

KEPT_ATTEMPTS = 500  # finished attempts whose status can still be read


@dataclass
class OutboundAttempt:
    id: str
    to: str
    dialog: str
    variables: dict[str, Any]
    state: str = "dialing"  # dialing -> ringing -> answered -> ended | ended
    # answered | busy | no-answer | unavailable | rejected | failed ...
    dial_outcome: str | None = None
    sip_status: int | None = None
    call_id: str | None = None  # the live call's id once answered
    outcome: str | None = None  # final: the dialog's outcome when answered, else dial_outcome
    created_at: float = field(default_factory=time.time)
    ended_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "to": self.to,
            "dialog": self.dialog,
            "state": self.state,
            "dial_outcome": self.dial_outcome,
            "sip_status": self.sip_status,
            "call_id": self.call_id,
            "outcome": self.outcome,
            "created_at": self.created_at,
            "ended_at": self.ended_at,
        }


class OutboundDialer:
    def __init__(self, runtime: Any, client: SipClient, *, ring_timeout: float = 30.0) -> None:
        self._runtime = runtime
        self._client = client
        self._ring_timeout = ring_timeout
        self._attempts: OrderedDict[str, OutboundAttempt] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._numbers = itertools.count(1)

    def get(self, attempt_id: str) -> OutboundAttempt | None:
        return self._attempts.get(attempt_id)

    def place(
        self, to: str, dialog: str, variables: Mapping[str, Any] | None = None
    ) -> OutboundAttempt:
        if dialog not in self._runtime.dialogs:
            known = ", ".join(sorted(self._runtime.dialogs)) or "none"
            raise KeyError(f"unknown dialog {dialog!r} (loaded: {known})")
        attempt = OutboundAttempt(
            id=f"out-{next(self._numbers)}-{uuid.uuid4().hex[:8]}",
            to=to,
            dialog=dialog,
            variables=dict(variables or {}),
        )
        self._attempts[attempt.id] = attempt
        while len(self._attempts) > KEPT_ATTEMPTS:
            oldest = next(iter(self._attempts))
            if self._attempts[oldest].ended_at is None:
                break  # never forget a live attempt
            self._attempts.pop(oldest)
        task = asyncio.get_running_loop().create_task(self._run(attempt), name=attempt.id)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return attempt

    async def _run(self, attempt: OutboundAttempt) -> None:
        try:
            result = await self._client.dial(
                attempt.to,
                from_user=self._runtime.settings.sip.from_user,
                ring_timeout=self._ring_timeout,
                on_progress=lambda status: _ringing(attempt, status),
            )
            attempt.dial_outcome, attempt.sip_status = result.outcome, result.status
            if result.answered and result.leg is not None:
                await self._converse(attempt, result)
            else:
                attempt.outcome = result.outcome
                await self._save_unanswered(attempt, result)
        except asyncio.CancelledError:
            attempt.outcome = attempt.outcome or "cancelled"
            raise
        except Exception as exc:
            log.exception("%s: outbound call to %s failed", attempt.id, attempt.to)
            attempt.outcome = f"failed: {exc}"
        finally:
            attempt.state = "ended"
            attempt.ended_at = time.time()

    async def _converse(self, attempt: OutboundAttempt, result: DialResult) -> None:
        assert result.leg is not None
        attempt.state = "answered"
        variables = {
            **attempt.variables,
            "direction": "outbound",
            "called": attempt.to,
            "attempt_id": attempt.id,
        }
        attempt.call_id = self._runtime.calls.start_call(result.leg, attempt.dialog, variables)
        record = await self._runtime.calls.wait_ended(attempt.call_id)
        attempt.outcome = getattr(record, "outcome", None) or "ended"

    async def _save_unanswered(self, attempt: OutboundAttempt, result: DialResult) -> None:
        store = self._runtime.store
        if store is None:
            return
        try:
            await asyncio.to_thread(
                store.save,
                call_id=attempt.id,
                direction="outbound",
                transport="sip",
                dialog=attempt.dialog,
                remote_party=attempt.to,
                started_at=datetime.fromtimestamp(attempt.created_at, UTC),
                outcome=result.outcome,
                summary=f"{result.status or ''} {result.reason}".strip(),
                record={"attempt": attempt.to_json(), "provisional": list(result.provisional)},
            )
        except Exception:
            log.exception("%s: attempt not saved", attempt.id)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _ringing(attempt: OutboundAttempt, status: int) -> None:
    if 180 <= status < 200 and attempt.state == "dialing":
        attempt.state = "ringing"
