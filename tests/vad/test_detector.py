import numpy as np
import pytest

from voicebot.audio import AudioFrame, frames_from_pcm
from voicebot.vad import VoiceDetector, WebRtcVoiceDetector


def test_speech_is_voiced_and_silence_is_not(three_phrases):
    detector = WebRtcVoiceDetector()
    assert isinstance(detector, VoiceDetector)
    frames = list(frames_from_pcm(three_phrases.samples, 16000))
    voiced = {f.timestamp: detector.is_speech(f) for f in frames}  # in order: webrtcvad adapts
    start, end = three_phrases.spans[0]
    inside = [v for t, v in voiced.items() if start + 0.2 < t < end - 0.2]
    # webrtcvad learns the noise floor during its first ~100 ms, so judge the quiet after that
    before = [v for t, v in voiced.items() if 0.1 <= t < start - 0.07]
    assert sum(inside) > 0.7 * len(inside)
    assert len(before) > 20 and not any(before)


def test_bad_rate_and_frame_size_are_refused():
    detector = WebRtcVoiceDetector()
    with pytest.raises(ValueError, match="22050 Hz frame"):
        detector.is_speech(AudioFrame(np.zeros(441, np.int16), 22050))
    with pytest.raises(ValueError, match="25 ms"):
        detector.is_speech(AudioFrame(np.zeros(400, np.int16), 16000))


def test_aggressiveness_is_checked():
    with pytest.raises(ValueError, match="0-3"):
        WebRtcVoiceDetector(4)
