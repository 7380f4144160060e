"""`voicebot call` refuses bad input with one line on stderr and exit code 2, before loading models."""

import pytest

from voicebot.audio import write_wav
from voicebot.cli import main


@pytest.fixture
def paths(tmp_path):
    return {"out": tmp_path / "bot.wav", "log": tmp_path / "turns.jsonl", "dir": tmp_path}


def call(dialog, wav, paths, *extra):
    return main(
        [
            "call",
            str(dialog),
            "--wav",
            str(wav),
            "--out",
            str(paths["out"]),
            "--log",
            str(paths["log"]),
            *extra,
        ]
    )


def assert_one_line_error(capsys, *fragments):
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert err.startswith("voicebot call: ")
    for fragment in fragments:
        assert fragment in err


def test_a_missing_wav(paths, capsys):
    assert call("rule:demo", paths["dir"] / "nope.wav", paths) == 2
    assert_one_line_error(capsys, "nope.wav", "no such file")


def test_a_file_that_is_not_a_wav(paths, capsys):
    text = paths["dir"] / "notes.wav"
    text.write_text("hello, I am not audio")
    assert call("rule:demo", text, paths) == 2
    assert_one_line_error(capsys, "not a WAV file")


def test_an_empty_wav(paths, capsys):
    import numpy as np

    empty = paths["dir"] / "empty.wav"
    write_wav(empty, np.zeros(0, dtype=np.int16), 16000)
    assert call("rule:demo", empty, paths) == 2
    assert_one_line_error(capsys, "empty")


@pytest.fixture
def caller_wav(paths):
    import numpy as np

    wav = paths["dir"] / "caller.wav"
    write_wav(wav, np.zeros(8000, dtype=np.int16), 8000)
    return wav


def test_a_broken_dialog(paths, caller_wav, capsys):
    broken = paths["dir"] / "broken.yaml"
    broken.write_text("name: broken\nstart: nowhere\nstates: [1, 2\n")
    assert call(broken, caller_wav, paths) == 2
    assert_one_line_error(capsys, "broken.yaml")


def test_a_missing_dialog(paths, caller_wav, capsys):
    assert call(paths["dir"] / "missing.yaml", caller_wav, paths) == 2
    assert_one_line_error(capsys, "missing.yaml")


def test_an_unknown_rule_dialog(paths, caller_wav, capsys):
    assert call("rule:nope", caller_wav, paths) == 2
    assert_one_line_error(capsys, "rule:nope", "rule:demo")


def test_a_bad_key_spec(paths, caller_wav, capsys):
    assert call("rule:demo", caller_wav, paths, "--key", "soon:1") == 2
    assert_one_line_error(capsys, "--key")


def test_an_output_folder_that_does_not_exist(paths, caller_wav, capsys):
    paths["out"] = paths["dir"] / "no" / "bot.wav"
    assert call("rule:demo", caller_wav, paths) == 2
    assert_one_line_error(capsys, "does not exist")
