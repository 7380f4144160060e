"""Read any PCM or float WAV as mono int16; write mono int16 WAV.

Reading parses the RIFF chunks itself (the stdlib `wave` module in 3.11 rejects float and
WAVE_FORMAT_EXTENSIBLE files) so every failure becomes one AudioFileError naming the path.
"""

from __future__ import annotations

import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicebot.audio.errors import AudioFileError

_FORMAT_PCM = 1
_FORMAT_FLOAT = 3
_FORMAT_EXTENSIBLE = 0xFFFE


@dataclass(frozen=True, slots=True)
class _Format:
    tag: int
    channels: int
    rate: int
    bits: int


def _parse_fmt(body: bytes, path: Path) -> _Format:
    if len(body) < 16:
        raise AudioFileError(f"{path}: fmt chunk is {len(body)} bytes, need at least 16")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
    if tag == _FORMAT_EXTENSIBLE:
        if len(body) < 26:
            raise AudioFileError(f"{path}: WAVE_FORMAT_EXTENSIBLE fmt chunk is too short")
        tag = struct.unpack_from("<H", body, 24)[0]  # first two bytes of the sub-format GUID
    return _Format(tag, channels, rate, bits)


def _chunks(data: bytes, path: Path) -> tuple[_Format, bytes]:
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RIFX") or data[8:12] != b"WAVE":
        raise AudioFileError(f"{path}: not a WAV file (no RIFF/WAVE header)")
    if data[:4] == b"RIFX":
        raise AudioFileError(f"{path}: unsupported format: big-endian RIFX WAV")
    fmt: _Format | None = None
    samples: bytes | None = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id = data[offset : offset + 4]
        size = struct.unpack_from("<I", data, offset + 4)[0]
        body = data[
            offset + 8 : offset + 8 + size
        ]  # a truncated last chunk is read as far as it goes
        if chunk_id == b"fmt ":
            fmt = _parse_fmt(body, path)
        elif chunk_id == b"data":
            samples = body
        offset += 8 + size + (size & 1)  # chunks are word-aligned
    if fmt is None:
        raise AudioFileError(f"{path}: not a WAV file (no fmt chunk)")
    if samples is None:
        raise AudioFileError(f"{path}: WAV file has no data chunk")
    return fmt, samples


def _decode(fmt: _Format, data: bytes, path: Path) -> np.ndarray:
    """Samples as float64 in [-1, 1), shape (frames, channels)."""
    width = fmt.bits // 8
    if fmt.channels < 1:
        raise AudioFileError(f"{path}: unsupported format: {fmt.channels} channels")
    frame_bytes = width * fmt.channels
    usable = len(data) - len(data) % frame_bytes if frame_bytes else 0
    raw = data[:usable]
    if fmt.tag == _FORMAT_PCM and fmt.bits == 8:
        values = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    elif fmt.tag == _FORMAT_PCM and fmt.bits == 16:
        values = np.frombuffer(raw, dtype="<i2") / 32768.0
    elif fmt.tag == _FORMAT_PCM and fmt.bits == 24:
        triples = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        ints = np.where(ints & 0x800000, ints - 0x1000000, ints)
        values = ints / 8388608.0
    elif fmt.tag == _FORMAT_PCM and fmt.bits == 32:
        values = np.frombuffer(raw, dtype="<i4") / 2147483648.0
    elif fmt.tag == _FORMAT_FLOAT and fmt.bits in (32, 64):
        values = np.frombuffer(raw, dtype="<f4" if fmt.bits == 32 else "<f8").astype(np.float64)
    else:
        kind = {_FORMAT_PCM: "PCM", _FORMAT_FLOAT: "float"}.get(fmt.tag, f"format tag {fmt.tag:#x}")
        raise AudioFileError(f"{path}: unsupported format: {kind} with {fmt.bits} bits per sample")
    return values.reshape(-1, fmt.channels)


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Return (mono int16 samples, sample rate); stereo and multichannel files are averaged."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AudioFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot read: {exc.strerror}") from exc
    fmt, payload = _chunks(data, path)
    frames = _decode(fmt, payload, path)
    if len(frames) == 0:
        raise AudioFileError(f"{path}: WAV file is empty (no samples)")
    if fmt.rate <= 0:
        raise AudioFileError(f"{path}: unsupported format: sample rate {fmt.rate}")
    mono = frames.mean(axis=1)
    return np.clip(np.round(mono * 32768.0), -32768, 32767).astype(np.int16), fmt.rate


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """Write mono int16 samples as a 16-bit PCM WAV."""
    if samples.dtype != np.int16 or samples.ndim != 1:
        raise ValueError(f"write_wav needs 1-D int16 samples, got {samples.dtype} {samples.shape}")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2", copy=False).tobytes())
