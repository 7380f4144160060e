import warnings

import numpy as np
import pytest
from audio_signals import snr_db, speech_like

from voicebot.audio import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode


def test_known_itu_code_points():
    samples = np.array([0, -1, 32767, -32768], dtype=np.int16)
    assert ulaw_encode(samples) == bytes([0xFF, 0x7E, 0x80, 0x00])
    assert alaw_encode(samples) == bytes([0xD5, 0x55, 0xAA, 0x2A])
    assert ulaw_decode(bytes([0xFF, 0x7F, 0x80, 0x00])).tolist() == [0, 0, 32124, -32124]
    assert alaw_decode(bytes([0xD5, 0x55, 0xAA, 0x2A])).tolist() == [8, -8, 32256, -32256]


@pytest.mark.parametrize(
    ("encode", "decode"), [(ulaw_encode, ulaw_decode), (alaw_encode, alaw_decode)]
)
def test_round_trip_of_speech_like_signal_keeps_snr_above_35_db(encode, decode):
    speech = speech_like(2.0)
    encoded = encode(speech)
    assert len(encoded) == len(speech)
    decoded = decode(encoded)
    assert decoded.dtype == np.int16
    assert snr_db(speech, decoded) > 35


def test_tables_match_the_reference_implementation_for_every_sample():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # the CPython port of the reference g711.c (removed in 3.13)
    every = np.arange(-32768, 32768, dtype=np.int16)
    assert ulaw_encode(every) == audioop.lin2ulaw(every.tobytes(), 2)
    assert alaw_encode(every) == audioop.lin2alaw(every.tobytes(), 2)
    codes = bytes(range(256))
    assert ulaw_decode(codes).tobytes() == audioop.ulaw2lin(codes, 2)
    assert alaw_decode(codes).tobytes() == audioop.alaw2lin(codes, 2)


def test_encoding_rejects_float_samples():
    with pytest.raises(ValueError, match="int16"):
        ulaw_encode(np.zeros(160, dtype=np.float32))
