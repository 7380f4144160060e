import numpy as np
import pytest
from audio_signals import peak_frequency, tone

from voicebot.audio import StreamResampler, resample, rms_dbfs


def test_tone_keeps_frequency_and_level_through_a_chain_of_rates():
    original = tone(1000, 1.0, 8000, dbfs=-10)
    signal, rate = original, 8000
    for next_rate in (16000, 48000, 22050, 16000):
        signal = resample(signal, rate, next_rate)
        rate = next_rate
        assert len(signal) == next_rate  # one second at every step
        assert abs(peak_frequency(signal, rate) - 1000) < 2
    middle = slice(1600, -1600)  # skip filter edges
    assert abs(rms_dbfs(signal[middle]) - rms_dbfs(original)) < 0.5


@pytest.mark.parametrize(
    ("from_rate", "to_rate"), [(8000, 16000), (16000, 8000), (22050, 16000), (16000, 48000)]
)
def test_streaming_20ms_chunks_is_steady_and_keeps_the_tone(from_rate, to_rate):
    signal = tone(440, 1.0, from_rate, dbfs=-10)
    stream = StreamResampler(from_rate, to_rate)
    chunk = from_rate // 50
    pieces = [stream.process(signal[i : i + chunk]) for i in range(0, len(signal), chunk)]
    # real time needs every 20 ms in to give 20 ms out, once the filter delay is filled
    assert {len(p) for p in pieces[3:]} == {to_rate // 50}
    streamed = np.concatenate([*pieces, stream.flush()])
    assert streamed.dtype == np.int16
    assert abs(len(streamed) - to_rate) <= to_rate // 50
    assert abs(peak_frequency(streamed, to_rate) - 440) < 2
    middle = streamed[to_rate // 10 : -to_rate // 10]
    assert abs(rms_dbfs(middle) - rms_dbfs(signal)) < 0.2


@pytest.mark.parametrize(("from_rate", "to_rate"), [(8000, 16000), (16000, 8000), (48000, 16000)])
def test_a_primed_stream_gives_one_whole_chunk_per_chunk_from_the_start(from_rate, to_rate):
    stream = StreamResampler(from_rate, to_rate)
    stream.prime(from_rate // 50)
    signal = tone(440, 0.2, from_rate)
    chunk = from_rate // 50
    sizes = [len(stream.process(signal[i : i + chunk])) for i in range(0, len(signal), chunk)]
    assert sizes == [to_rate // 50] * 10


def test_same_rate_is_a_copy():
    signal = tone(300, 0.1, 16000)
    assert np.array_equal(resample(signal, 16000, 16000), signal)
    assert np.array_equal(StreamResampler(16000, 16000).process(signal), signal)


def test_any_positive_rate_works_and_nonsense_is_refused():
    cd_audio = tone(1000, 0.5, 44100)
    converted = resample(cd_audio, 44100, 16000)
    assert len(converted) == 8000 and abs(peak_frequency(converted, 16000) - 1000) < 3
    with pytest.raises(ValueError, match="positive number of Hz, got 0"):
        StreamResampler(0, 16000)
