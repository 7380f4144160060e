"""The audio codecs an RTP session can carry: G.711 μ-law (PCMU) and A-law (PCMA) at 8 kHz."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voicebot.audio import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode


@dataclass(frozen=True, slots=True)
class G711Codec:
    name: str
    payload_type: int
    encode: Callable[[np.ndarray], bytes]
    decode: Callable[[bytes], np.ndarray]
    clock_rate: int = 8000


PCMU = G711Codec("PCMU", 0, ulaw_encode, ulaw_decode)
PCMA = G711Codec("PCMA", 8, alaw_encode, alaw_decode)
CODECS = {codec.name: codec for codec in (PCMU, PCMA)}


def codec_for_payload_type(payload_type: int) -> G711Codec:
    for codec in CODECS.values():
        if codec.payload_type == payload_type:
            return codec
    raise ValueError(f"no G.711 codec has static payload type {payload_type} (PCMU is 0, PCMA 8)")
