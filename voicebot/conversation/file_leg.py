"""WavFileLeg: a CallLeg whose caller is a WAV file, paced on the Clock, recording what the bot sent.

The caller's audio is fed as 20 ms frames, each when its last sample is due (`start + (n + 1) *
20 ms` on the clock, as a real transport delivers them): real time on a MonotonicClock, as fast as
the CPU allows on a VirtualClock. After the file ends the caller stays
silent on the line until the bot has been quiet for `bot_quiet_s` (so the last reply is heard out),
then hangs up. The bot's frames are kept by their timestamps, so `bot_audio()` lines up sample by
sample with the caller's file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from telephony.leg import DtmfDigit, LegEvent, LegHangup, TransferResult
from voicebot.audio import ENGINE_RATE, AudioFrame, frames_from_pcm, read_wav, resample
from voicebot.clock import Clock

SILENCE_PEAK = 64  # bot frames quieter than this count as silence


@dataclass(frozen=True, slots=True)
class TransferRequest:
    target: str
    context: Mapping[str, str]
    timestamp: float


@dataclass
class LegLog:
    """What the bot did to the leg, for tests and the CLI."""

    hangup_reason: str | None = None
    hangup_at: float | None = None
    transfers: list[TransferRequest] = field(default_factory=list)
    frames_received: int = 0


def load_caller_audio(path: str | Path) -> np.ndarray:
    """A WAV of any rate, mono or stereo, as 16 kHz mono int16; AudioFileError on a bad file."""
    samples, rate = read_wav(path)
    return samples if rate == ENGINE_RATE else resample(samples, rate, ENGINE_RATE)


class WavFileLeg:
    def __init__(
        self,
        caller_audio: np.ndarray,
        clock: Clock,
        *,
        call_id: str = "wav-call",
        remote_party: str = "wav-file",
        keys: Sequence[tuple[float, str]] = (),
        bot_quiet_s: float = 2.0,
        max_tail_s: float = 30.0,
    ) -> None:
        """`caller_audio`: 16 kHz mono int16. `keys`: (seconds from start, digit) DTMF presses."""
        if caller_audio.dtype != np.int16 or caller_audio.ndim != 1:
            raise ValueError(
                f"caller audio must be 1-D int16, got {caller_audio.dtype} {caller_audio.shape}"
            )
        self._audio = caller_audio
        self._clock = clock
        self._call_id = call_id
        self._remote_party = remote_party
        self._keys = sorted(keys)
        self._bot_quiet_s = bot_quiet_s
        self._max_tail_s = max_tail_s
        self.start = clock.now()
        self.log = LegLog()
        self._bot_frames: list[AudioFrame] = []
        self._last_bot_sound = self.start

    @classmethod
    def from_wav(cls, path: str | Path, clock: Clock, **options: object) -> WavFileLeg:
        """Any rate, mono or stereo; raises voicebot.audio.AudioFileError on a bad file."""
        return cls(load_caller_audio(path), clock, **options)  # type: ignore[arg-type]

    @property
    def call_id(self) -> str:
        return self._call_id

    @property
    def remote_party(self) -> str:
        return self._remote_party

    @property
    def caller_seconds(self) -> float:
        return len(self._audio) / ENGINE_RATE

    async def events(self) -> AsyncIterator[LegEvent]:
        keys = list(self._keys)
        frames = frames_from_pcm(self._audio, ENGINE_RATE, self.start)
        tick = 0
        while self.log.hangup_reason is None:
            begins = self.start + tick * 0.02
            # like a real transport: a frame exists once its last sample does
            arrives = begins + 0.02
            await self._clock.sleep_until(arrives)
            if self.log.hangup_reason is not None:
                return  # the bot hung up while we waited
            while keys and self.start + keys[0][0] <= arrives:
                offset, digit = keys.pop(0)
                yield DtmfDigit(digit, self.start + offset)
            frame = next(frames, None)
            if frame is None:
                if self._caller_done(arrives):
                    yield LegHangup("caller audio ended", arrives)
                    return
                frame = AudioFrame.silence(ENGINE_RATE, begins)
            yield frame
            tick += 1

    def _caller_done(self, now: float) -> bool:
        audio_end = self.start + self.caller_seconds
        quiet_since = max(audio_end, self._last_bot_sound)
        return now - quiet_since >= self._bot_quiet_s or now - audio_end >= self._max_tail_s

    async def send_audio(self, frame: AudioFrame) -> None:
        if self.log.hangup_reason is not None:
            return
        self.log.frames_received += 1
        if frame.sample_rate != ENGINE_RATE:
            raise ValueError(
                f"WavFileLeg takes {ENGINE_RATE} Hz frames, got {frame.sample_rate} Hz"
            )
        if len(frame.samples) and int(np.abs(frame.samples).max()) > SILENCE_PEAK:
            self._bot_frames.append(frame)
            self._last_bot_sound = frame.end

    async def hangup(self, reason: str = "bot hangup") -> None:
        if self.log.hangup_reason is None:
            self.log.hangup_reason = reason
            self.log.hangup_at = self._clock.now()

    async def transfer(self, target: str, context: Mapping[str, str]) -> TransferResult:
        self.log.transfers.append(TransferRequest(target, dict(context), self._clock.now()))
        return TransferResult(accepted=True, detail="recorded by WavFileLeg")

    def bot_audio(self) -> np.ndarray:
        """Everything the bot said, placed at its time from the call's start (16 kHz int16)."""
        if not self._bot_frames:
            return np.zeros(0, dtype=np.int16)
        end = max(self._index(f.timestamp) + len(f.samples) for f in self._bot_frames)
        out = np.zeros(end, dtype=np.int16)
        for frame in self._bot_frames:
            at = self._index(frame.timestamp)
            out[at : at + len(frame.samples)] = frame.samples
        return out

    def _index(self, timestamp: float) -> int:
        return max(0, round((timestamp - self.start) * ENGINE_RATE))
