"""The fast engine on real Piper speech: accurate, no runaway repeats, honest hypotheses."""

import numpy as np
import pytest
from asr_speech_ids import LOOP_PRONE_IDS, ROUND_TRIP_IDS

from voicebot.asr import AudioInputError, Recognizer, WhisperRecognizer
from voicebot.asr.repetition import find_repetition, split_words, word_key
from voicebot.asr.wer import corpus_wer, normalize_transcript
from voicebot.models.speech_set import SpeechClip, telephone_quality

pytestmark = pytest.mark.slow


def test_piper_to_whisper_round_trip_is_within_ten_percent_wer(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip]
) -> None:
    pairs = []
    for clip_id in ROUND_TRIP_IDS:
        clip = piper_clips[clip_id]
        pairs.append((clip.utterance.text, recognizer.transcribe(clip.audio).text))
    assert corpus_wer(pairs).wer <= 0.10, pairs


def test_a_phone_line_round_trip_is_within_ten_percent_wer(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip]
) -> None:
    clip = piper_clips["balance-01"]
    heard = recognizer.transcribe(telephone_quality(clip.audio)).text
    assert corpus_wer([(clip.utterance.text, heard)]).wer <= 0.10, heard


@pytest.mark.parametrize("clip_id", [*LOOP_PRONE_IDS, "digits-01", "digits-04"])
def test_short_clips_and_spoken_digits_do_not_run_away(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip], clip_id: str
) -> None:
    clip = piper_clips[clip_id]
    text = recognizer.transcribe(clip.audio).text
    said = normalize_transcript(clip.utterance.text)
    heard = normalize_transcript(text)
    assert len(heard) <= len(said) + 1, text
    assert find_repetition([word_key(w) for w in split_words(text)], capped=True) is None, text


def test_spoken_digits_come_out_as_digits(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip]
) -> None:
    # Piper's voice varies between syntheses and tiny.en sometimes merges "six six" (padded too),
    # so this checks the shape, not every digit
    text = recognizer.transcribe(piper_clips["digits-01"].audio).text  # "four five six six"
    heard = normalize_transcript(text)
    assert heard[:2] == ["4", "5"] and 3 <= len(heard) <= 5, text
    assert all(word.isdigit() for word in heard), text


def test_a_hypothesis_says_what_was_decoded(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip]
) -> None:
    clip = piper_clips["agent-02"]
    final = recognizer.transcribe(clip.audio)
    partial = recognizer.transcribe(clip.audio[: len(clip.audio) // 2], final=False)
    assert isinstance(recognizer, Recognizer)
    assert final.is_final and not partial.is_final
    assert 0.0 < final.confidence <= 1.0
    assert final.end == pytest.approx(clip.duration)
    assert final.decode_seconds > 0
    assert partial.text and normalize_transcript(partial.text)[0] == "i"


def test_silence_and_tiny_clips_give_empty_text(recognizer: WhisperRecognizer) -> None:
    tiny = recognizer.transcribe(np.zeros(800, dtype=np.int16))  # 50 ms
    assert (tiny.text, tiny.confidence, tiny.end) == ("", 0.0, 0.05)
    assert recognizer.transcribe(np.zeros(16_000, dtype=np.int16)).text == ""


def test_audio_must_be_one_dimensional_int16(recognizer: WhisperRecognizer) -> None:
    with pytest.raises(AudioInputError, match="int16"):
        recognizer.transcribe(np.zeros(16_000, dtype=np.float32))
    with pytest.raises(AudioInputError, match="shape"):
        recognizer.transcribe(np.zeros((2, 8000), dtype=np.int16))


def test_unsure_decodes_fall_back_to_padded_input(piper_clips: dict[str, SpeechClip]) -> None:
    from voicebot.asr import FastDecodeOptions
    from voicebot.models import resolve_whisper

    always = WhisperRecognizer(
        resolve_whisper("tiny.en"), options=FastDecodeOptions(fallback_log_prob=0.0)
    )
    never = WhisperRecognizer(
        resolve_whisper("tiny.en"), options=FastDecodeOptions(fallback_log_prob=None)
    )
    clip = piper_clips["agent-02"]
    for engine in (always, never):
        text = engine.transcribe(clip.audio).text
        assert corpus_wer([(clip.utterance.text, text)]).wer <= 0.2, text
        engine.transcribe(clip.audio[:8000], final=False)  # partials never fall back
    assert (always.decodes, always.fallbacks) == (1, 1)
    assert (never.decodes, never.fallbacks) == (1, 0)


def test_the_padded_reference_hears_the_same_sentence(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip]
) -> None:
    from voicebot.asr import PaddedWhisperRecognizer
    from voicebot.models import process_models
    from voicebot.settings import AsrSettings

    padded = process_models().recognizer(AsrSettings(), engine="padded")
    assert isinstance(padded, PaddedWhisperRecognizer)
    clip = piper_clips["balance-01"]
    reference = padded.transcribe(clip.audio)
    assert reference.is_final and 0.0 < reference.confidence <= 1.0
    fast = recognizer.transcribe(clip.audio)
    for heard in (reference.text, fast.text):
        assert corpus_wer([(clip.utterance.text, heard)]).wer <= 0.10, heard


async def test_the_pool_runs_real_decodes_side_by_side(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip]
) -> None:
    import asyncio

    from voicebot.asr import AsrPool

    pool = AsrPool(recognizer, workers=2)
    clips = [piper_clips[clip_id] for clip_id in ROUND_TRIP_IDS]
    try:
        heard = await asyncio.gather(*(pool.transcribe(c.audio) for c in clips + clips))
    finally:
        pool.close()
    pairs = [(c.utterance.text, h.text) for c, h in zip(clips + clips, heard, strict=True)]
    assert corpus_wer(pairs).wer <= 0.10, pairs
    assert [h.text for h in heard[:3]] == [h.text for h in heard[3:]]  # same audio, same text


def test_an_unsure_final_is_decoded_again_padded_unless_the_pool_is_busy(
    recognizer: WhisperRecognizer, piper_clips: dict[str, SpeechClip]
) -> None:
    from voicebot.asr.whisper_fast import FastDecodeOptions

    # every final counts as unsure here: no token is ever certain enough for a log-prob of 0
    always_unsure = WhisperRecognizer(
        recognizer.model_dir, options=FastDecodeOptions(fallback_log_prob=0.0)
    )
    audio = piper_clips["balance-01"].audio
    always_unsure.transcribe(audio)
    assert (always_unsure.fallbacks, always_unsure.fallbacks_skipped) == (1, 0)
    quick = always_unsure.transcribe(audio, busy=True)
    assert (always_unsure.fallbacks, always_unsure.fallbacks_skipped) == (1, 1)
    assert corpus_wer([(piper_clips["balance-01"].utterance.text, quick.text)]).wer <= 0.10
