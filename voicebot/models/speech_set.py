"""A labelled set of caller utterances for measuring ASR: text from JSON, audio synthesized on demand.

The text list lives in tests/fixtures/speech/utterances.json; audio is made with any Synthesizer
(Piper, espeak-ng), resampled to 16 kHz and cached as .npy files, so only text is committed.
`telephone_quality` gives the same clip as heard through a G.711 μ-law phone line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicebot.audio.frame import ENGINE_RATE
from voicebot.audio.g711 import ulaw_decode, ulaw_encode
from voicebot.audio.resample import resample
from voicebot.tts.synthesizer import Synthesizer

TELEPHONE_RATE = 8_000


@dataclass(frozen=True, slots=True)
class Utterance:
    id: str
    kind: str  # balance, card, digits, date, yesno, agent, money, other
    text: str


@dataclass(frozen=True, slots=True)
class SpeechClip:
    utterance: Utterance
    voice: str  # e.g. "en_US-joe-medium", "espeak-en-us", with "+phone" for the telephone variant
    audio: np.ndarray  # 16 kHz mono int16

    @property
    def duration(self) -> float:
        return len(self.audio) / ENGINE_RATE


def load_utterances(path: Path) -> list[Utterance]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Utterance(u["id"], u["kind"], u["text"]) for u in data["utterances"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a list of utterances with id, kind and text: {exc}") from exc


def telephone_quality(audio: np.ndarray) -> np.ndarray:
    """16 kHz audio as it arrives from a phone call: down to 8 kHz, μ-law coded and decoded, back up."""
    narrow = resample(audio, ENGINE_RATE, TELEPHONE_RATE)
    return resample(ulaw_decode(ulaw_encode(narrow)), TELEPHONE_RATE, ENGINE_RATE)


def synthesize_clips(
    utterances: Iterable[Utterance],
    synthesizer: Synthesizer,
    *,
    cache_dir: Path | None = None,
    telephone: bool = False,
) -> list[SpeechClip]:
    """One 16 kHz clip per utterance, read from `cache_dir` when made before."""
    voice = getattr(synthesizer, "voice_name", type(synthesizer).__name__)
    clips = []
    for utterance in utterances:
        audio = _cached_or_synthesized(utterance, synthesizer, voice, cache_dir)
        if telephone:
            clips.append(SpeechClip(utterance, f"{voice}+phone", telephone_quality(audio)))
        else:
            clips.append(SpeechClip(utterance, voice, audio))
    return clips


def _cached_or_synthesized(
    utterance: Utterance, synthesizer: Synthesizer, voice: str, cache_dir: Path | None
) -> np.ndarray:
    digest = hashlib.sha1(utterance.text.encode()).hexdigest()[:10]
    path = cache_dir / voice / f"{utterance.id}-{digest}.npy" if cache_dir else None
    if path is not None and path.is_file():
        return np.load(path)
    audio = synthesizer.synthesize(utterance.text)
    audio = resample(audio, synthesizer.sample_rate, ENGINE_RATE)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, audio)
        tmp.replace(path)  # concurrent test runs never read half a file
    return audio
