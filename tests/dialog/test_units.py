"""The pure pieces: templates, conditions, positioned YAML, digit entry, chat lines."""

from __future__ import annotations

import datetime as dt

import pytest
from dialog_helpers import DIALOGS

from voicebot.cli import main
from voicebot.dialog.chat import events_for_line, script_lines
from voicebot.dialog.conditions import condition_names, evaluate
from voicebot.dialog.errors import ConditionError, TemplateError
from voicebot.dialog.protocol import CallEnded, CallerPressed, CallerSaid, InputTimeout
from voicebot.dialog.schema import SlotSpec
from voicebot.dialog.slots import DigitBuffer, max_keys
from voicebot.dialog.templates import placeholders, render
from voicebot.dialog.webhook import render_value, response_field
from voicebot.dialog.yamlnodes import Position, YamlSyntaxError, load_yaml


def test_templates_fill_slots_variables_and_filters() -> None:
    slots = {"account": "12345678", "day": dt.date(2026, 12, 8), "at": dt.time(15, 0)}
    variables = {"first_name": "Dana"}
    text = "Hi {{ var.first_name }}, account {{account|spell}} ends {{ account | last4 }}."
    assert render(text, slots, variables) == "Hi Dana, account 1 2 3 4 5 6 7 8 ends 5678."
    assert (
        render("{{ day | date }} at {{ at | time }}", slots, {}) == "Tuesday, December 8 at 3 p m"
    )
    assert render("{{ day | iso }}", slots, {}) == "2026-12-08"
    assert render("Hello {{ missing }} there", {}, {}) == "Hello there"


def test_template_errors() -> None:
    with pytest.raises(TemplateError, match="unknown template filter 'loud'"):
        placeholders("{{ a | loud }}")
    with pytest.raises(TemplateError, match="unbalanced"):
        placeholders("{{ a }} and {{ b")
    with pytest.raises(TemplateError, match="does not name a slot"):
        placeholders("{{ 1 + 2 }}")


def test_conditions() -> None:
    slots = {"verified": True, "tries": 2, "plan": "gold", "name": None}
    variables = {"answered_by": "machine"}
    assert evaluate("verified == true and tries < 3", slots, variables)
    assert evaluate('plan in ["gold", "silver"]', slots, variables)
    assert evaluate('var.answered_by == "machine"', slots, variables)
    assert not evaluate("name", slots, variables)
    assert not evaluate("tries > name", slots, variables)  # None never compares: false, no crash
    assert condition_names("a == 1 or not b and var.x") == {"a", "b", "var.x"}


@pytest.mark.parametrize(
    "text", ["__import__('os')", "a.b == 1", "x + 1 > 2", "[c for c in d]", "a ==", "f(x)"]
)
def test_conditions_refuse_anything_else(text: str) -> None:
    with pytest.raises(ConditionError):
        condition_names(text)


def test_yaml_positions_and_duplicates() -> None:
    doc = load_yaml('a: 1\nb:\n  - x: "07"\n    y: 0123\nc: {1: a, "1": b}\n')
    assert doc.data == {"a": 1, "b": [{"x": "07", "y": "0123"}], "c": {"1": "a"}}
    assert doc.position(("b", 0, "y")) == Position(4, 8)
    assert doc.position(("b", 0, "y"), key=True) == Position(4, 5)
    assert doc.position(("b", 0, "nope")) == Position(3, 5)  # nearest written parent
    (dup,) = doc.duplicates
    assert (dup.key, dup.first, dup.second) == ("1", Position(5, 5), Position(5, 11))
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml("a: [1, 2\nb: 3\n")
    assert caught.value.position == Position(2, 2)


def test_digit_buffer_hash_star_and_length() -> None:
    buffer = DigitBuffer()
    assert not buffer.press("1", 4) and not buffer.press("2", 4)
    assert not buffer.press("*", 4)  # star starts over
    assert not buffer.press("9", None) and buffer.press("#", None)
    assert buffer.take() == "9" and not buffer
    assert [buffer.press(k, 3) for k in "123"] == [False, False, True]
    assert max_keys(SlotSpec(type="digits", max_length=6)) == 6
    assert max_keys(SlotSpec(type="yes_no")) == 1


def test_webhook_body_keeps_types_of_whole_placeholders() -> None:
    body = {"n": "{{ n }}", "text": "order {{ n }}", "when": "{{ day }}", "list": ["{{ var.v }}"]}
    slots = {"n": 42, "day": dt.date(2026, 1, 2)}
    assert render_value(body, slots, {"v": True}) == {
        "n": 42,
        "text": "order 42",
        "when": "2026-01-02",
        "list": [True],
    }
    assert response_field({"a": {"b": 1}}, "a.b") == 1
    assert response_field({"a": 1}, "a.b") is None


def test_chat_lines() -> None:
    assert events_for_line("#12#") == [CallerPressed("1"), CallerPressed("2"), CallerPressed("#")]
    assert events_for_line("(silence)") == [InputTimeout("no_input")]
    assert events_for_line("(pause)") == [InputTimeout("inter_digit")]
    assert events_for_line("(hangup)") == [CallEnded()]
    assert events_for_line(" hello ") == [CallerSaid("hello")]
    assert script_lines("// comment\n\nhi\n  #1 \n") == ["hi", "#1"]


def test_chat_cli_script_with_trace(tmp_path, capsys) -> None:
    lines = tmp_path / "caller.txt"
    lines.write_text("// a lost card\n#2\n#12345678\nyes\nyes\nno\n")
    assert (
        main(
            [
                "chat",
                str(DIALOGS / "bank.yaml"),
                "--demo-backend",
                "--trace",
                "--script",
                str(lines),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "bot: Welcome to Example Bank. This call may be recorded.  [not interruptible]"
    assert "caller: #2" in out
    assert (
        "bot: Your card ending in 9 0 1 2 is now blocked. A new card will arrive within five working days."
        in out
    )
    assert out[-2] == "[hangup: completed]"
    assert out[-1].startswith("  [state=goodbye intent=no 1.00 slots={")


def test_chat_cli_refuses_a_broken_dialog(capsys) -> None:
    broken = DIALOGS.parent / "tests" / "fixtures" / "dialogs" / "broken_unknown_key.yaml"
    assert main(["chat", str(broken)]) == 1
    assert "unknown key 'sya'" in capsys.readouterr().err


def test_static_prompts_are_the_texts_without_placeholders(bank) -> None:
    prompts = bank.static_prompts()
    assert "Please say or key in your eight digit account number." in prompts
    assert "Let me put you through to an agent. One moment." in prompts
    assert "Welcome to Example Bank. This call may be recorded." in prompts
    assert not any("{{" in p for p in prompts)
    assert len(prompts) == len(set(prompts))


def test_chat_loads_no_audio_models() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from voicebot.cli import main; "
        f"main(['chat', {str(DIALOGS / 'telecom_support.yaml')!r}, '--script', '/dev/null']); "
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('faster_whisper', 'ctranslate2', 'piper', 'onnxruntime', 'webrtcvad') "
        "or m.startswith(('voicebot.asr', 'voicebot.tts', 'voicebot.vad'))]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


async def test_a_prompt_whose_slots_are_empty_says_nothing(tmp_path) -> None:
    from voicebot.dialog import load_dialog
    from voicebot.dialog.protocol import CallStarted, Hangup, Say

    (tmp_path / "empty.yaml").write_text(
        "name: empty\nstart: a\nslots:\n  note: {}\nstates:\n  a:\n    do:\n"
        "      - set: {note: null}\n      - say: '{{ note }}'\n      - say: Bye.\n      - hangup: done\n"
    )
    dialog = load_dialog(tmp_path / "empty.yaml")
    actions = [a async for a in dialog.new_session().respond(CallStarted())]
    assert actions == [Say("Bye."), Hangup("done")]


def test_text_positions_point_into_one_line_strings() -> None:
    doc = load_yaml('a: plain {{ x }}\nb: "quoted {{ x }}"\nc: |\n  block {{ x }}\n')
    assert doc.text_position(("a",), 6) == Position(1, 10)
    assert doc.text_position(("b",), 7) == Position(2, 12)
    assert doc.text_position(("c",), 6) == Position(3, 4)  # a block: where the value starts
