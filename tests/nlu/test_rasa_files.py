from __future__ import annotations

from pathlib import Path

import pytest

from voicebot.nlu import NluDataError, NluPipeline, load_rasa_domain_responses, load_rasa_nlu

NLU_YML = """\
version: "3.1"
nlu:
- intent: check_balance
  examples: |
    - what's my balance
    - how much is in my [savings](account_type) account
    - balance of my [current account](account_type:checking)
    - money in my [saving]{"entity": "account_type", "value": "savings"}
- intent: greet
  examples: |
    - hello
    - hi there
- synonym: checking
  examples: |
    - cheque account
- lookup: account_type
  examples: |
    - business
- regex: account_number
  examples: |
    - \\d{10}
    - \\d{12}
"""


def write(tmp_path: Path, text: str, name: str = "nlu.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_intents_with_annotations_stripped(tmp_path: Path) -> None:
    data = load_rasa_nlu(write(tmp_path, NLU_YML))
    assert data.intents["check_balance"] == [
        "what's my balance",
        "how much is in my savings account",
        "balance of my current account",
        "money in my saving",
    ]
    assert data.intents["greet"] == ["hello", "hi there"]


def test_annotated_values_become_lookups_and_synonyms(tmp_path: Path) -> None:
    data = load_rasa_nlu(write(tmp_path, NLU_YML))
    assert data.lookups["account_type"] == ["savings", "checking", "business"]
    assert data.synonyms == {
        "current account": "checking",
        "saving": "savings",
        "cheque account": "checking",
    }


def test_regex_examples_become_one_alternation(tmp_path: Path) -> None:
    data = load_rasa_nlu(write(tmp_path, NLU_YML))
    assert data.regexes == {"account_number": r"(?:\d{10})|(?:\d{12})"}


def test_loaded_data_trains_a_pipeline_that_finds_its_entities(tmp_path: Path) -> None:
    pipeline = NluPipeline.train(load_rasa_nlu(write(tmp_path, NLU_YML)))
    understanding = pipeline.parse("what's in my cheque account 1234567890")
    assert understanding.intent == "check_balance"
    assert [(e.type, e.value) for e in understanding.entities] == [
        ("account_type", "checking"),
        ("account_number", "1234567890"),
    ]


def test_the_example_dialogs_training_files_load(dialog_nlu_dir: Path) -> None:
    bank = load_rasa_nlu(dialog_nlu_dir / "bank.yml")
    assert {"check_balance", "lost_card", "transfer_money"} <= set(bank.intents)
    assert bank.synonyms["current account"] == "checking"
    assert "savings" in bank.lookups["account_type"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("nlu:\n- intent: greet\n  examples: |\n    - hi\n    hello\n", 5, "must start with '- '"),
        ("nlu:\n- intent: greet\n  examples: [hi]\n", 3, "examples:' must be a block"),
        (
            "nlu:\n- intent: greet\n  examples: |\n    - hi\n- story: x\n  steps: []\n",
            5,
            "exactly one of",
        ),
        ("nlu:\n- regex: pin\n  examples: |\n    - (\\d{4}\n", 4, "does not compile"),
        ("nlu:\n- intent: a\n  examples: |\n    - hi [there](\n", 4, "malformed entity annotation"),
        ('nlu:\n- intent: a\n  examples: |\n    - [x]{"value": 1}\n', 4, "needs an 'entity'"),
        ("nlu: [\n", 2, "not valid YAML"),
        ("intents:\n- a\n", 1, "'nlu:' list"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(NluDataError, match=message) as caught:
        load_rasa_nlu(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NluDataError, match="cannot read"):
        load_rasa_nlu(tmp_path / "absent.yml")


DOMAIN_YML = """\
version: "3.1"
intents:
  - greet
responses:
  utter_greet:
  - text: "Hello! How can I help?"
  - text: "Hi there."
  utter_card_blocked:
  - text: "Your card {card} is blocked."
  - image: "https://example.com/card.png"
  utter_empty: []
"""


def test_domain_responses(tmp_path: Path) -> None:
    responses = load_rasa_domain_responses(write(tmp_path, DOMAIN_YML, "domain.yml"))
    assert responses == {
        "utter_greet": ["Hello! How can I help?", "Hi there."],
        "utter_card_blocked": ["Your card {card} is blocked."],
        "utter_empty": [],
    }


def test_domain_without_responses_is_empty(tmp_path: Path) -> None:
    assert load_rasa_domain_responses(write(tmp_path, "intents: [greet]\n", "domain.yml")) == {}


def test_bad_domain_response_names_the_line(tmp_path: Path) -> None:
    text = "responses:\n  utter_a:\n  - text: hi\n  utter_b: just text\n"
    with pytest.raises(NluDataError, match="utter_b.*list") as caught:
        load_rasa_domain_responses(write(tmp_path, text, "domain.yml"))
    assert caught.value.line == 4
