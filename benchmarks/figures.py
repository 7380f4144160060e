"""One row of `make bench` output."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str  # what was measured, e.g. "ASR cost, 1.5 s utterance (short encoder input)"
    value: str  # the measured figure with its unit, e.g. "38 ms"
    target: str = ""  # the target, e.g. "<= 60 ms"
    ok: bool | None = None  # None where there is no target
