"""The labelled caller utterances and their telephone-quality variant."""

from pathlib import Path

import numpy as np

from voicebot.models.speech_set import (
    SpeechClip,
    Utterance,
    load_utterances,
    synthesize_clips,
    telephone_quality,
)

UTTERANCES = Path(__file__).resolve().parents[1] / "fixtures" / "speech" / "utterances.json"


class ToneSynthesizer:
    """One 440 Hz tone per character, at 22.05 kHz, counting its calls."""

    sample_rate = 22_050
    voice_name = "tone"

    def __init__(self) -> None:
        self.calls = 0

    def synthesize(self, text: str) -> np.ndarray:
        self.calls += 1
        t = np.arange(220 * len(text)) / self.sample_rate
        return (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)


def test_the_set_covers_what_callers_say() -> None:
    utterances = load_utterances(UTTERANCES)
    kinds = {u.kind for u in utterances}
    assert len(utterances) >= 40
    assert {"balance", "card", "digits", "date", "yesno", "agent"} <= kinds
    assert len({u.id for u in utterances}) == len(utterances)
    assert any(u.text == "four five six six" for u in utterances)


def test_clips_are_16_khz_and_cached(tmp_path: Path) -> None:
    synth = ToneSynthesizer()
    utterances = [Utterance("a-1", "other", "hello"), Utterance("a-2", "other", "agent please")]
    clips = synthesize_clips(utterances, synth, cache_dir=tmp_path)
    assert [round(c.duration, 3) for c in clips] == [
        round(220 * 5 / 22_050, 3),
        round(220 * 12 / 22_050, 3),
    ]
    again = synthesize_clips(utterances, synth, cache_dir=tmp_path)
    assert synth.calls == 2  # the second time came from the cache
    assert all(np.array_equal(a.audio, b.audio) for a, b in zip(clips, again, strict=True))


def test_the_telephone_variant_loses_the_high_band_but_keeps_the_speech_band(
    tmp_path: Path,
) -> None:
    t = np.arange(16_000) / 16_000
    low = 6000 * np.sin(2 * np.pi * 500 * t)
    high = 6000 * np.sin(2 * np.pi * 6000 * t)  # above the 4 kHz telephone band
    phone = telephone_quality((low + high).astype(np.int16)).astype(np.float64)
    assert len(phone) == 16_000
    spectrum = np.abs(np.fft.rfft(phone[2000:14000]))
    freqs = np.fft.rfftfreq(12000, 1 / 16_000)
    assert spectrum[np.argmin(np.abs(freqs - 500))] > 50 * spectrum[np.argmin(np.abs(freqs - 6000))]
    clip = synthesize_clips(
        [Utterance("b", "other", "hi")], ToneSynthesizer(), cache_dir=tmp_path, telephone=True
    )[0]
    assert isinstance(clip, SpeechClip) and clip.voice == "tone+phone"
