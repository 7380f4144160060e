import struct

import numpy as np
import pytest

from voicebot.audio import AudioFileError, read_wav, write_wav


def _riff(fmt_tag: int, channels: int, rate: int, bits: int, data: bytes) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_write_then_read_round_trip(tmp_path):
    samples = np.array([0, 1000, -1000, 32767, -32768], dtype=np.int16)
    write_wav(tmp_path / "a.wav", samples, 22050)
    read, rate = read_wav(tmp_path / "a.wav")
    assert rate == 22050
    assert read.tolist() == samples.tolist()


def test_stereo_is_downmixed_to_the_mean(tmp_path):
    frames = np.array([[1000, 3000], [-2000, 2000], [32767, 32767]], dtype="<i2")
    (tmp_path / "s.wav").write_bytes(_riff(1, 2, 8000, 16, frames.tobytes()))
    samples, rate = read_wav(tmp_path / "s.wav")
    assert rate == 8000
    assert samples.tolist() == [2000, 0, 32767]


def test_8_24_32_bit_and_float_files_read_as_int16(tmp_path):
    expected = [0, 16384, -16384]
    eight = np.array([128, 192, 64], dtype=np.uint8).tobytes()
    twenty_four = b"".join(v.to_bytes(3, "little", signed=True) for v in (0, 4194304, -4194304))
    thirty_two = np.array([0, 2**30, -(2**30)], dtype="<i4").tobytes()
    float32 = np.array([0.0, 0.5, -0.5], dtype="<f4").tobytes()
    cases = {"u8": (1, 8, eight), "s24": (1, 24, twenty_four), "s32": (1, 32, thirty_two)}
    cases["f32"] = (3, 32, float32)
    for name, (tag, bits, data) in cases.items():
        path = tmp_path / f"{name}.wav"
        path.write_bytes(_riff(tag, 1, 48000, bits, data))
        samples, rate = read_wav(path)
        assert (rate, samples.tolist()) == (48000, expected), name


def test_wave_format_extensible_reads_its_sub_format(tmp_path):
    data = np.array([0, 16384, -16384], dtype="<i2").tobytes()
    guid_tail = bytes.fromhex("000000001000800000aa00389b71")
    extension = struct.pack("<HHIH", 22, 16, 0x4, 1) + guid_tail  # mono, sub-format PCM
    fmt = struct.pack("<HHIIHH", 0xFFFE, 1, 16000, 32000, 2, 16) + extension
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    (tmp_path / "x.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    samples, rate = read_wav(tmp_path / "x.wav")
    assert (rate, samples.tolist()) == (16000, [0, 16384, -16384])


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(AudioFileError, match=r"nope\.wav: no such file"):
        read_wav(tmp_path / "nope.wav")


def test_not_a_wav(tmp_path):
    (tmp_path / "t.wav").write_text("hello, I am text")
    with pytest.raises(AudioFileError, match=r"t\.wav: not a WAV file"):
        read_wav(tmp_path / "t.wav")


def test_empty_wav(tmp_path):
    write_wav(tmp_path / "e.wav", np.zeros(0, dtype=np.int16), 16000)
    with pytest.raises(AudioFileError, match=r"e\.wav: WAV file is empty"):
        read_wav(tmp_path / "e.wav")


def test_unsupported_format(tmp_path):
    (tmp_path / "adpcm.wav").write_bytes(_riff(0x11, 1, 8000, 4, b"\x00" * 100))
    with pytest.raises(AudioFileError, match=r"adpcm\.wav: unsupported format: format tag 0x11"):
        read_wav(tmp_path / "adpcm.wav")


def test_audio_file_error_is_a_value_error():
    assert issubclass(AudioFileError, ValueError)
