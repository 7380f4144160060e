"""Audio conversion between aiortc's av.AudioFrames and the engine's 16 kHz 20 ms AudioFrames.

Pure data work: no tasks, no sockets. Inbound, the browser's decoded audio (Opus: 48 kHz stereo,
PCMU: 8 kHz mono) is downmixed, resampled and cut into engine frames. Outbound, every 20 ms tick
turns one engine frame (or silence) into one 48 kHz frame; silence goes through the same resampler
so its filter sees one continuous signal and never holds back the end of an utterance.
"""

from __future__ import annotations

import fractions

import av
import numpy as np

from voicebot.audio import ENGINE_RATE, AudioFrame, StreamResampler, samples_per_frame

WIRE_RATE = 48_000  # Opus always runs at 48 kHz; aiortc's PCMU encoder resamples from it
_INT16_FORMATS = ("s16", "s16p")
_FLOAT_FORMATS = ("flt", "fltp")


def av_frame_to_mono(frame: av.AudioFrame) -> np.ndarray:
    """Samples of a decoded av.AudioFrame as one mono int16 channel (channels averaged)."""
    fmt = frame.format.name
    if fmt not in _INT16_FORMATS + _FLOAT_FORMATS:
        raise ValueError(
            f"unsupported audio sample format {fmt!r}; expected one of s16, s16p, flt, fltp"
        )
    channels = len(frame.layout.channels)
    data = frame.to_ndarray()
    # packed formats come as one row of interleaved samples, planar ones as a row per channel
    per_channel = data.reshape(-1, channels).T if not frame.format.is_planar else data
    if fmt in _FLOAT_FORMATS:
        scaled = np.clip(per_channel.mean(axis=0) * 32767.0, -32768, 32767)
        return scaled.astype(np.int16)
    if channels == 1:
        return np.ascontiguousarray(per_channel[0], dtype=np.int16)
    return (per_channel.astype(np.int32).sum(axis=0) // channels).astype(np.int16)


def pcm_to_av_frame(
    samples: np.ndarray, sample_rate: int, pts: int, *, stereo: bool = False
) -> av.AudioFrame:
    """Mono int16 samples as an av.AudioFrame with `pts` counted in samples.

    `stereo` copies the channel: Opus is sent as stereo, and handing aiortc's encoder mono would
    make its mixer upmix at -3 dB.
    """
    if stereo:
        packed = np.repeat(samples, 2).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(packed, format="s16", layout="stereo")
    else:
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = sample_rate
    frame.pts = pts
    frame.time_base = fractions.Fraction(1, sample_rate)
    return frame


class InboundAudio:
    """Browser audio chunks in, exact 16 kHz 20 ms engine frames out, timestamped by arrival.

    A frame's timestamp is when its last sample arrived minus its length, never earlier than the
    end of the frame before. Counting samples from the first packet instead would drift whenever
    packets are lost (a loaded loop, a lossy network) and make every latency look too long.
    """

    def __init__(self) -> None:
        self._resampler: StreamResampler | None = None
        self._frame_size = samples_per_frame(ENGINE_RATE)
        self._pending = np.zeros(0, dtype=np.int16)
        self._next_start: float | None = None

    def push(self, frame: av.AudioFrame, now: float) -> list[AudioFrame]:
        rate = frame.sample_rate
        if self._resampler is None or self._resampler.from_rate != rate:
            # a codec change mid-call (rare) restarts the filter rather than mixing two rates
            self._resampler = StreamResampler(rate, ENGINE_RATE)
        samples = self._resampler.process(av_frame_to_mono(frame))
        buffer = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        size = self._frame_size
        whole = len(buffer) // size
        frames = []
        for index in range(whole):
            arrived_after = len(buffer) - (index + 1) * size  # samples that came with or after it
            start = now - (arrived_after + size) / ENGINE_RATE
            if self._next_start is not None:
                start = max(start, self._next_start)
            piece = np.array(buffer[index * size : (index + 1) * size], dtype=np.int16)
            frames.append(AudioFrame(piece, ENGINE_RATE, start))
            self._next_start = start + size / ENGINE_RATE
        self._pending = buffer[whole * size :].copy()
        return frames


class OutboundAudio:
    """One call per 20 ms tick: an engine frame (or None for silence) in, one 48 kHz stereo frame out."""

    def __init__(self) -> None:
        self._resampler = StreamResampler(ENGINE_RATE, WIRE_RATE)
        self._engine_size = samples_per_frame(ENGINE_RATE)
        self._wire_size = samples_per_frame(WIRE_RATE)
        self._pending = np.zeros(0, dtype=np.int16)
        self._pts = 0

    def next_frame(self, frame: AudioFrame | None) -> av.AudioFrame:
        if frame is None:
            samples = np.zeros(self._engine_size, dtype=np.int16)
        elif frame.sample_rate != ENGINE_RATE:
            raise ValueError(f"bot audio must be {ENGINE_RATE} Hz, got {frame.sample_rate} Hz")
        else:
            samples = frame.samples
        self._pending = np.concatenate([self._pending, self._resampler.process(samples)])
        out = self._pending[: self._wire_size]
        if len(out) < self._wire_size:  # only while the filter fills up at the very start
            out = np.concatenate([np.zeros(self._wire_size - len(out), dtype=np.int16), out])
        self._pending = self._pending[self._wire_size :]
        wire = pcm_to_av_frame(np.ascontiguousarray(out), WIRE_RATE, self._pts, stereo=True)
        self._pts += self._wire_size
        return wire
