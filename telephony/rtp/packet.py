"""RTP packets (RFC 3550 section 5.1): parse bytes into an RtpPacket and back, nothing else."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

RTP_VERSION = 2
HEADER_SIZE = 12


@dataclass(slots=True)
class RtpPacket:
    payload_type: int
    sequence_number: int
    timestamp: int
    ssrc: int
    payload: bytes = b""
    marker: bool = False
    csrc: tuple[int, ...] = ()
    extension_profile: int | None = None  # None: no header extension
    extension: bytes = field(default=b"", repr=False)  # extension data, a multiple of 4 bytes
    padding_size: int = 0  # padding bytes at the end, the count byte included; 0: no padding

    def __post_init__(self) -> None:
        if not 0 <= self.payload_type <= 127:
            raise ValueError(f"RTP payload type must be 0-127, got {self.payload_type}")
        if not 0 <= self.sequence_number <= 0xFFFF:
            raise ValueError(f"RTP sequence number must be 0-65535, got {self.sequence_number}")
        if not 0 <= self.timestamp <= 0xFFFFFFFF:
            raise ValueError(f"RTP timestamp must fit 32 bits, got {self.timestamp}")
        if not 0 <= self.ssrc <= 0xFFFFFFFF:
            raise ValueError(f"RTP SSRC must fit 32 bits, got {self.ssrc}")
        if len(self.csrc) > 15:
            raise ValueError(f"RTP allows at most 15 CSRCs, got {len(self.csrc)}")
        if len(self.extension) % 4:
            raise ValueError(
                f"RTP extension must be a multiple of 4 bytes, got {len(self.extension)}"
            )
        if not 0 <= self.padding_size <= 255:
            raise ValueError(f"RTP padding must be 0-255 bytes, got {self.padding_size}")

    @classmethod
    def parse(cls, data: bytes) -> RtpPacket:
        if len(data) < HEADER_SIZE:
            raise ValueError(f"RTP packet is {len(data)} bytes, shorter than the 12-byte header")
        first, second, sequence, timestamp, ssrc = struct.unpack_from("!BBHII", data)
        version = first >> 6
        if version != RTP_VERSION:
            raise ValueError(f"RTP version is {version}, expected 2")
        csrc_count = first & 0x0F
        offset = HEADER_SIZE + 4 * csrc_count
        if len(data) < offset:
            raise ValueError(f"RTP packet is {len(data)} bytes, too short for {csrc_count} CSRCs")
        csrc = struct.unpack_from(f"!{csrc_count}I", data, HEADER_SIZE)
        profile: int | None = None
        extension = b""
        if first & 0x10:
            if len(data) < offset + 4:
                raise ValueError("RTP packet is too short for its header extension")
            profile, words = struct.unpack_from("!HH", data, offset)
            extension = data[offset + 4 : offset + 4 + 4 * words]
            offset += 4 + 4 * words
            if len(data) < offset:
                raise ValueError(f"RTP header extension of {words} words runs past the packet end")
        end = len(data)
        padding = 0
        if first & 0x20:
            padding = data[-1]
            if padding == 0 or offset + padding > end:
                raise ValueError(f"RTP padding count {padding} does not fit the packet")
            end -= padding
        return cls(
            payload_type=second & 0x7F,
            sequence_number=sequence,
            timestamp=timestamp,
            ssrc=ssrc,
            payload=data[offset:end],
            marker=bool(second & 0x80),
            csrc=tuple(csrc),
            extension_profile=profile,
            extension=extension,
            padding_size=padding,
        )

    def __bytes__(self) -> bytes:
        first = RTP_VERSION << 6 | len(self.csrc)
        if self.padding_size:
            first |= 0x20
        if self.extension_profile is not None:
            first |= 0x10
        second = self.payload_type | (0x80 if self.marker else 0)
        parts = [
            struct.pack("!BBHII", first, second, self.sequence_number, self.timestamp, self.ssrc),
            struct.pack(f"!{len(self.csrc)}I", *self.csrc),
        ]
        if self.extension_profile is not None:
            parts.append(struct.pack("!HH", self.extension_profile, len(self.extension) // 4))
            parts.append(self.extension)
        parts.append(self.payload)
        if self.padding_size:
            parts.append(bytes(self.padding_size - 1) + bytes([self.padding_size]))
        return b"".join(parts)


def is_rtcp(data: bytes) -> bool:
    """Tell RTCP from RTP on a shared (rtcp-mux) port by the second byte (RFC 5761 section 4)."""
    return len(data) >= 2 and 192 <= data[1] <= 223


def seq_delta(a: int, b: int) -> int:
    """Signed distance from sequence number b to a, across the 16-bit wrap (-32768..32767)."""
    return (a - b + 0x8000) % 0x10000 - 0x8000


def timestamp_delta(a: int, b: int) -> int:
    """Signed distance from RTP timestamp b to a, across the 32-bit wrap."""
    return (a - b + 0x80000000) % 0x100000000 - 0x80000000
