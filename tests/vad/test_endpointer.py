import numpy as np
import pytest

from voicebot.audio import AudioFrame, frames_from_pcm
from voicebot.vad import (
    Endpointer,
    EndpointerConfig,
    SpeechEnded,
    SpeechStarted,
    WebRtcVoiceDetector,
    endpoint_frames,
)

FRAME_S = 0.02


def _frames(pattern: str, start: float = 0.0) -> list[tuple[AudioFrame, bool]]:
    """'S' is a voiced 20 ms frame, '.' an unvoiced one; voiced frames hold 1s, unvoiced 0s."""
    out = []
    for index, mark in enumerate(pattern):
        samples = np.full(320, 1 if mark == "S" else 0, dtype=np.int16)
        out.append((AudioFrame(samples, 16000, start + index * FRAME_S), mark == "S"))
    return out


def _run(endpointer: Endpointer, pattern: str, start: float = 0.0) -> list:
    events = []
    for frame, voiced in _frames(pattern, start):
        events += endpointer.process(frame, voiced)
    return events


def _timeline(events: list) -> list[tuple[str, float]]:
    return [(type(e).__name__, round(e.timestamp, 6)) for e in events]


def test_three_spoken_phrases_give_three_utterances_at_the_right_times(three_phrases):
    frames = frames_from_pcm(three_phrases.samples, 16000)
    events = list(endpoint_frames(frames, WebRtcVoiceDetector(2)))
    starts = [e.timestamp for e in events if isinstance(e, SpeechStarted)]
    ends = [e for e in events if isinstance(e, SpeechEnded)]
    assert len(starts) == 3 and len(ends) == 3
    for (true_start, true_end), start, end in zip(three_phrases.spans, starts, ends, strict=True):
        assert start == pytest.approx(true_start, abs=0.15)
        assert end.timestamp == pytest.approx(true_end, abs=0.15)
        assert not end.truncated
        assert end.audio_start == pytest.approx(start - 0.2, abs=0.021)
        expected_samples = round((end.timestamp + 0.3 - end.audio_start) * 16000)
        assert abs(len(end.audio) - expected_samples) <= 320


def test_start_waits_for_start_ms_and_reports_the_onset():
    endpointer = Endpointer(EndpointerConfig(start_ms=120))
    events = _run(endpointer, "....SSSSS", start=10.0)
    assert events == []  # five voiced frames = 100 ms, not yet
    events = endpointer.process(AudioFrame(np.ones(320, np.int16), 16000, 10.18), True)
    assert _timeline(events) == [("SpeechStarted", 10.08)]


def test_a_click_does_not_start_speech():
    endpointer = Endpointer()
    assert _run(endpointer, "......S" + "." * 40) == []
    assert not endpointer.in_speech


def test_brief_gaps_are_allowed_while_starting():
    events = _run(Endpointer(), "SS.SS.SS")
    assert events == [SpeechStarted(0.0)]


def test_pause_resume_then_end_with_preroll_and_trailing_silence():
    endpointer = Endpointer(EndpointerConfig(end_silence_ms=300, preroll_ms=200))
    pattern = "." * 20 + "S" * 10 + "." * 5 + "S" * 10 + "." * 15
    events = _run(endpointer, pattern)
    assert _timeline(events) == [
        ("SpeechStarted", 0.4),
        ("SpeechPaused", 0.6),
        ("SpeechResumed", 0.7),
        ("SpeechPaused", 0.9),
        ("SpeechEnded", 0.9),
    ]
    ended = events[4]
    assert ended.timestamp == pytest.approx(0.9)
    assert ended.audio_start == pytest.approx(0.2)
    assert len(ended.audio) == 50 * 320  # 10 pre-roll + 10 + 5 + 10 + 15 trailing silence frames
    assert ended.audio[10 * 320 : 20 * 320].all() and not ended.audio[: 10 * 320].any()


def test_silence_shorter_than_end_silence_does_not_end():
    events = _run(Endpointer(), "S" * 10 + "." * 14 + "S" * 10)
    assert not any(isinstance(e, SpeechEnded) for e in events)


def test_max_utterance_truncates():
    endpointer = Endpointer(EndpointerConfig(max_utterance_s=2.0, preroll_ms=0))
    events = _run(endpointer, "S" * 150)  # 3 s of continuous speech
    ended = [e for e in events if isinstance(e, SpeechEnded)]
    assert len(ended) == 1 and ended[0].truncated
    assert ended[0].timestamp == pytest.approx(2.0)
    assert len(ended[0].audio) == 100 * 320
    assert isinstance(events[-1], SpeechStarted)  # the rest of the speech is a new utterance
    assert events[-1].timestamp == pytest.approx(2.0)


def test_utterance_audio_grows_during_speech_and_empties_after():
    endpointer = Endpointer(EndpointerConfig(preroll_ms=0))
    assert len(endpointer.utterance_audio()) == 0
    _run(endpointer, "SSSSSSSS")
    assert len(endpointer.utterance_audio()) == 8 * 320
    _run(endpointer, "." * 15, start=0.16)
    assert len(endpointer.utterance_audio()) == 0


def test_reset_forgets_an_utterance_in_progress():
    endpointer = Endpointer()
    _run(endpointer, "SSSSSSSS")
    endpointer.reset()
    assert not endpointer.in_speech
    assert _run(endpointer, "." * 20, start=1.0) == []


def test_mixed_rates_are_refused():
    endpointer = Endpointer()
    endpointer.process(AudioFrame.silence(16000), False)
    with pytest.raises(ValueError, match="8000 Hz frame in a 16000 Hz stream"):
        endpointer.process(AudioFrame.silence(8000), False)


def test_config_is_validated():
    with pytest.raises(ValueError, match="max_utterance_s"):
        EndpointerConfig(max_utterance_s=0)
