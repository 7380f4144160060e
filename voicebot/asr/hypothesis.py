"""What the recognizer heard."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hypothesis:
    text: str
    is_final: bool
    confidence: float = 1.0
    start: float = 0.0  # seconds on the call's Clock
    end: float = 0.0
    decode_seconds: float = 0.0  # CPU wall time the decode took, for metrics
