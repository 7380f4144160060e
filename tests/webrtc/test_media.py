import av
import numpy as np
import pytest

from telephony.webrtc.media import InboundAudio, OutboundAudio, av_frame_to_mono, pcm_to_av_frame
from voicebot.audio import ENGINE_RATE, AudioFrame


def tone(freq: float, seconds: float, rate: int, amplitude: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def peak_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * rate / len(samples))


def test_packed_stereo_is_averaged_to_mono():
    left = np.array([100, 200, -300], dtype=np.int16)
    right = np.array([300, 0, -100], dtype=np.int16)
    interleaved = np.stack([left, right], axis=1).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout="stereo")
    assert av_frame_to_mono(frame).tolist() == [200, 100, -200]


def test_planar_float_is_scaled_to_int16():
    planes = np.array([[0.5, -0.5], [0.5, -0.5]], dtype=np.float32)
    frame = av.AudioFrame.from_ndarray(planes, format="fltp", layout="stereo")
    assert av_frame_to_mono(frame).tolist() == [16383, -16383]


def test_unsupported_sample_formats_are_named():
    frame = av.AudioFrame.from_ndarray(
        np.zeros((1, 4), dtype=np.int32), format="s32", layout="mono"
    )
    with pytest.raises(ValueError, match="s32"):
        av_frame_to_mono(frame)


def opus_like_frames(samples_48k: np.ndarray):
    """What aiortc's Opus decoder hands us: 20 ms of 48 kHz packed stereo per frame."""
    for pts, start in enumerate(range(0, len(samples_48k), 960)):
        chunk = samples_48k[start : start + 960]
        yield pcm_to_av_frame(chunk, 48_000, pts * 960, stereo=True)


def test_browser_audio_becomes_exact_16k_frames_keeping_the_tone():
    inbound = InboundAudio()
    frames: list[AudioFrame] = []
    for index, frame in enumerate(opus_like_frames(tone(440, 1.0, 48_000))):
        frames.extend(inbound.push(frame, now=10.02 + index * 0.02))  # one packet every 20 ms
    assert 48 <= len(frames) <= 50  # the resampler holds back a few ms
    assert all(len(f.samples) == 320 and f.sample_rate == ENGINE_RATE for f in frames)
    audio = np.concatenate([f.samples for f in frames])
    assert peak_hz(audio[1600:], ENGINE_RATE) == pytest.approx(440, abs=3)
    # stamped by arrival: each frame ends no later than its samples arrived, and they never overlap
    assert frames[-1].end == pytest.approx(11.0, abs=0.02)
    assert all(b.timestamp >= a.end - 1e-9 for a, b in zip(frames, frames[1:], strict=False))


def test_lost_packets_do_not_make_timestamps_drift_behind_the_clock():
    inbound = InboundAudio()
    packets = list(opus_like_frames(tone(440, 1.0, 48_000)))
    before = [
        f for p in packets[:25] for f in inbound.push(p, now=0.02 * (len([p]) + packets.index(p)))
    ]
    after = [f for i, p in enumerate(packets[25:]) for f in inbound.push(p, now=2.0 + 0.02 * i)]
    assert before[-1].end <= 0.5 + 1e-9
    assert after[-1].end == pytest.approx(
        2.0 + 0.02 * 24, abs=0.02
    )  # not 1.0: half a second was lost


def test_a_burst_of_late_packets_gets_consecutive_timestamps():
    inbound = InboundAudio()
    frames = [f for p in opus_like_frames(tone(440, 0.2, 48_000)) for f in inbound.push(p, now=5.0)]
    starts = [f.timestamp for f in frames]
    assert starts == sorted(starts)
    assert all(b - a == pytest.approx(0.02) for a, b in zip(starts, starts[1:], strict=False))


def test_pcmu_rate_audio_is_resampled_too():
    inbound = InboundAudio()
    frames = []
    for pts, start in enumerate(range(0, 8000, 160)):
        chunk = tone(300, 1.0, 8000)[start : start + 160]
        frames.extend(inbound.push(pcm_to_av_frame(chunk, 8000, pts * 160), now=pts * 0.02))
    audio = np.concatenate([f.samples for f in frames])
    assert peak_hz(audio[1600:], ENGINE_RATE) == pytest.approx(300, abs=3)


def test_each_tick_gives_one_20ms_48k_stereo_frame_with_running_pts():
    outbound = OutboundAudio()
    source = tone(500, 0.4, ENGINE_RATE)
    wire = [
        outbound.next_frame(AudioFrame(source[i : i + 320])) for i in range(0, len(source), 320)
    ]
    wire.append(outbound.next_frame(None))  # nothing queued: silence, same size
    assert [f.samples for f in wire] == [960] * 21
    assert [f.pts for f in wire[:3]] == [0, 960, 1920]
    assert all(f.sample_rate == 48_000 and f.layout.name == "stereo" for f in wire)
    mono = np.concatenate([av_frame_to_mono(f) for f in wire[:20]])
    assert peak_hz(mono[4800:], 48_000) == pytest.approx(500, abs=5)  # bins are 3.3 Hz
    assert np.abs(mono[4800:]).max() > 7000  # no -3 dB upmix: the level arrives as sent


def test_bot_audio_at_another_rate_is_refused():
    with pytest.raises(ValueError, match="16000 Hz"):
        OutboundAudio().next_frame(AudioFrame(np.zeros(160, dtype=np.int16), 8000))
