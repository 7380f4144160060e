import numpy as np
import pytest

from telephony.webrtc.turn_gaps import TurnGapMeter
from voicebot.audio import AudioFrame


def frame(at: float, level: int) -> AudioFrame:
    return AudioFrame(np.full(320, level, dtype=np.int16), timestamp=at)


def test_the_gap_runs_from_the_end_of_the_callers_sound_to_the_first_loud_bot_frame():
    meter = TurnGapMeter()
    for n in range(50):  # one second of caller speech, then silence
        meter.caller_frame(frame(10 + n * 0.02, 3000))
    meter.caller_frame(frame(11.0, 0))
    meter.bot_frame(frame(0, 0), sent_at=11.1)  # the reply's leading silence does not count
    meter.bot_frame(frame(0, 2000), sent_at=11.42)
    meter.bot_frame(frame(0, 2000), sent_at=11.44)
    assert list(meter.gaps) == [pytest.approx(0.42)]


def test_bot_speech_without_caller_speech_before_it_is_no_turn():
    meter = TurnGapMeter()
    meter.bot_frame(frame(0, 2000), sent_at=1.0)  # the greeting
    meter.bot_frame(frame(0, 0), sent_at=3.0)
    meter.bot_frame(frame(0, 2000), sent_at=3.5)  # a reprompt after no input
    assert list(meter.gaps) == []


def test_one_gap_per_reply_even_when_the_reply_has_pauses():
    meter = TurnGapMeter()
    meter.caller_frame(frame(5.0, 3000))
    for at, level in [(5.5, 2000), (5.52, 0), (5.9, 2000)]:
        meter.bot_frame(frame(0, level), sent_at=at)
    assert list(meter.gaps) == [pytest.approx(0.48)]
