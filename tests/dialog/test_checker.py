"""`voicebot check`: the examples are clean; each broken copy fails with exactly these lines."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from dialog_helpers import DIALOGS, FIXTURES

from voicebot.cli import main
from voicebot.dialog import DialogError, check_files, dialog_json_schema, load_dialog
from voicebot.dialog.checker import check_text

EXAMPLES = sorted(DIALOGS.glob("*.yaml"))

BROKEN = {
    "broken_yaml_syntax.yaml": [
        "6:8: error: YAML syntax: expected ',' or ']', but got ':' "
        "(hint: check indentation, colons and closing brackets or quotes)"
    ],
    "broken_unknown_key.yaml": [
        "16:5: error: unknown key 'sya' in state 'menu' (hint: did you mean 'say'?)"
    ],
    "broken_wrong_type.yaml": [
        "10:13: error: slot 'zip' at length: Input should be a valid integer, unable to parse "
        "string as an integer (got 'five') (hint: see `voicebot schema` for the expected shape)"
    ],
    "broken_missing_key.yaml": ["2:1: error: the dialog is missing 'start' (hint: add 'start:')"],
    "broken_missing_state.yaml": [
        "24:11: error: transition to missing state 'good_bye' (hint: did you mean 'goodbye'?)",
        "28:3: error: state 'goodbye' is never reached (hint: add a transition to it, or remove it)",
    ],
    "broken_unreachable.yaml": [
        "28:3: error: state 'farewell' is never reached (hint: add a transition to it, or remove it)"
    ],
    "broken_dead_end.yaml": [
        "28:3: error: state 'goodbye' is a dead end: it neither waits for the caller nor goes "
        "anywhere (hint: add expect:, dtmf: or next:, or end its steps with hangup or transfer)"
    ],
    "broken_slot_never_collected.yaml": [
        "22:24: error: slot 'zip' is used but never collected "
        "(hint: add it to a state's collect:, set it, or save it from a webhook)"
    ],
    "broken_intent_without_examples.yaml": [
        "6:3: error: intent 'agent' has no examples "
        "(hint: add a few phrases a caller would say, e.g. examples: [...])"
    ],
    "broken_unknown_template_slot.yaml": [
        "23:24: error: unknown slot 'zipcode' (hint: did you mean 'zip'?)"
    ],
    "broken_dtmf_twice.yaml": [
        "21:7: error: DTMF key '1' is mapped twice in state 'menu' (first at line 20, column 7) "
        "(hint: map each key once; remove or renumber one of them)"
    ],
    "broken_unknown_webhook.yaml": [
        "30:18: error: unknown webhook 'log_call' (hint: declare it under 'webhooks:')"
    ],
    "broken_bad_condition.yaml": [
        "25:13: error: condition 'zip = 12345' is not a valid expression: invalid syntax "
        "(hint: use slots, literals, ==, !=, <, >, and, or, not, in)"
    ],
    "broken_unknown_intent.yaml": [
        "18:7: error: intent 'hour' is not defined (hint: did you mean 'hours'?)"
    ],
    "broken_step_two_verbs.yaml": [
        "30:9: error: state 'goodbye' at do.0: a step may do one thing, this one has say, goto "
        "(hint: write each as its own '- ' step)"
    ],
    "broken_next_nowhere.yaml": [
        "25:7: error: a 'next' transition of state 'hours' goes nowhere "
        "(hint: give it goto: STATE (or end its steps with hangup or transfer))",
        "30:3: error: state 'goodbye' is never reached (hint: add a transition to it, or remove it)",
    ],
    "broken_silent_loop.yaml": [
        "21:3: error: states loop without ever waiting for the caller: hours -> recap -> hours "
        "(hint: let one of them wait with expect: or dtmf:, or end the call)"
    ],
    "broken_unknown_variable.yaml": [
        "23:69: error: unknown call variable 'var.frist_name' "
        "(hint: declare it under 'variables:' (e.g. frist_name: null))"
    ],
}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_dialogs_are_clean(path) -> None:
    assert check_files([path]) == []


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(FIXTURES.glob("*.yaml")) if not p.name.startswith("broken_")],
    ids=lambda p: p.name,
)
def test_clean_fixtures_are_clean(path) -> None:
    assert check_files([path]) == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_copy_fails_with_exact_messages(name: str) -> None:
    path = FIXTURES / name
    assert [str(p) for p in check_files([path])] == [f"{path}:{line}" for line in BROKEN[name]]


def test_every_broken_fixture_has_expected_messages() -> None:
    assert sorted(p.name for p in FIXTURES.glob("broken_*.yaml")) == sorted(BROKEN)


def test_several_problems_are_all_reported_in_line_order() -> None:
    text = (FIXTURES / "minimal.yaml").read_text()
    text = text.replace("    say: Ask", "    sya: Ask").replace("next: goodbye", "next: good_bye")
    lines = [f"{p.line}:{p.message}" for p in check_text(text, "x.yaml").problems]
    assert lines == [
        "16:unknown key 'sya' in state 'menu'"
    ]  # structure errors stop the meaning pass
    text = (FIXTURES / "minimal.yaml").read_text().replace("next: goodbye", "next: good_bye")
    text = text.replace("{{ zip | spell }}", "{{ zip | shout }}")
    messages = [p.message for p in check_text(text, "x.yaml").problems]
    assert messages == [
        "bad template: unknown template filter 'shout' (known: date, iso, last4, spell, time)",
        "transition to missing state 'good_bye'",
        "state 'goodbye' is never reached",
    ]


def test_load_dialog_refuses_a_broken_file_with_the_checker_lines() -> None:
    path = FIXTURES / "broken_dead_end.yaml"
    with pytest.raises(DialogError) as caught:
        load_dialog(path)
    assert caught.value.messages == [f"{path}:{BROKEN['broken_dead_end.yaml'][0]}"]


def test_check_cli_exit_codes(capsys) -> None:
    assert main(["check", *map(str, EXAMPLES)]) == 0
    assert capsys.readouterr().out == "3 file(s) OK\n"
    assert (
        main(["check", str(FIXTURES / "minimal.yaml"), str(FIXTURES / "broken_unknown_key.yaml")])
        == 1
    )
    err = capsys.readouterr().err
    assert "broken_unknown_key.yaml:16:5: error: unknown key 'sya'" in err
    assert err.endswith("1 error(s) in 2 file(s)\n")


def test_missing_file_is_a_problem_not_a_crash(tmp_path) -> None:
    (problem,) = check_files([tmp_path / "nope.yaml"])
    assert problem.message.startswith("cannot read file:")


def test_schema_cli_prints_a_schema_that_accepts_the_examples(capsys) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in EXAMPLES:
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    broken = yaml.safe_load((FIXTURES / "broken_unknown_key.yaml").read_text())
    with pytest.raises(jsonschema.ValidationError, match="sya"):
        jsonschema.validate(broken, schema)


def test_schema_file_for_editors_is_up_to_date() -> None:
    stored = json.loads((DIALOGS.parent / "voicebot" / "dialog" / "dialog.schema.json").read_text())
    assert stored == dialog_json_schema(), (
        "run: voicebot schema -o voicebot/dialog/dialog.schema.json"
    )


def test_the_complete_example_in_the_docs_is_clean() -> None:
    text = (DIALOGS.parent / "docs" / "dialogs.md").read_text()
    example = text.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert check_text(example, "docs/dialogs.md").problems == []


def test_rasa_domain_problems(tmp_path) -> None:
    for name in ("rasa_domain.yml", "rasa_nlu.yml"):
        (tmp_path / name).write_text((FIXTURES / name).read_text())
    text = (FIXTURES / "rasa_orders.yaml").read_text()
    (tmp_path / "typo.yaml").write_text(text.replace("utter: utter_welcome", "utter: utter_welcom"))
    (tmp_path / "missing.yaml").write_text(
        text.replace("domain: rasa_domain.yml", "domain: nope.yml")
    )
    typo, missing = check_files([tmp_path / "typo.yaml", tmp_path / "missing.yaml"])
    assert str(typo) == (
        f"{tmp_path}/typo.yaml:25:16: error: response 'utter_welcom' is not in the Rasa domain "
        "(hint: did you mean 'utter_welcome'?)"
    )
    assert str(missing).startswith(
        f"{tmp_path}/missing.yaml:12:11: error: cannot load Rasa domain 'nope.yml'"
    )


def test_markdown_in_a_prompt_is_a_warning_not_an_error(capsys) -> None:
    text = (FIXTURES / "minimal.yaml").read_text().replace("say: Goodbye.", 'say: "**Goodbye**."')
    (problem,) = check_text(text, "md.yaml").problems
    assert str(problem) == (
        "md.yaml:30:14: warning: prompt contains Markdown, which the voice would read aloud "
        "(hint: write plain sentences)"
    )
    assert not problem.is_error


def test_commas_inside_a_flow_list_of_lines_are_a_warning() -> None:
    text = (FIXTURES / "minimal.yaml").read_text()
    text += "no_input:\n  say: [Sorry, I did not hear you.]\n"
    (problem,) = check_text(text, "f.yaml").problems
    assert str(problem) == (
        "f.yaml:33:8: warning: in [...] every comma starts a new line: this is 2 lines, "
        "'Sorry' / 'I did not hear you.' (hint: write one '- ' line per sentence, or quote each one)"
    )
