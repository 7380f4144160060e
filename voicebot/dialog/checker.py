"""`voicebot check`: every problem in a dialog file, with file:line:column and a hint.

Three passes: YAML syntax and duplicate keys (yamlnodes, here), structure (pydantic models,
structure.py), then meaning (meaning.py), which runs only on a structurally valid dialog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from voicebot.dialog.errors import Problem
from voicebot.dialog.meaning import MeaningChecker
from voicebot.dialog.schema import DialogSpec
from voicebot.dialog.structure import validate_structure
from voicebot.dialog.yamlnodes import YamlDocument, YamlSyntaxError, load_yaml


@dataclass(slots=True)
class CheckedDialog:
    """What checking one file found: the validated spec (None when the structure is broken)."""

    file: str
    spec: DialogSpec | None
    problems: list[Problem]
    extra_intents: dict[str, list[str]] = field(default_factory=dict)  # from Rasa nlu files
    rasa_data: Any | None = None  # voicebot.nlu.NluTrainingData of the Rasa nlu files, if any

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def check_files(paths: Iterable[str | FilePath]) -> list[Problem]:
    """Problems of every file, in file order; an empty list means all files are clean."""
    problems: list[Problem] = []
    for path in paths:
        problems += check_file(path).problems
    return problems


def check_file(path: str | FilePath) -> CheckedDialog:
    name = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return CheckedDialog(name, None, [Problem(name, 1, 1, f"cannot read file: {exc}")])
    return check_text(text, name, base_dir=FilePath(path).parent)


def check_text(text: str, file: str, *, base_dir: FilePath | None = None) -> CheckedDialog:
    try:
        doc = load_yaml(text)
    except YamlSyntaxError as exc:
        problem = Problem(
            file,
            exc.position.line,
            exc.position.column,
            f"YAML syntax: {exc.message}",
            "check indentation, colons and closing brackets or quotes",
        )
        return CheckedDialog(file, None, [problem])
    problems = _duplicate_problems(doc, file)
    spec, structure_problems = validate_structure(doc, file)
    problems += structure_problems
    extra: dict[str, list[str]] = {}
    rasa_data = None
    if spec is not None:
        meaning = MeaningChecker(spec, doc, file, base_dir or FilePath("."))
        problems += meaning.run()
        extra, rasa_data = meaning.extra_intents, meaning.rasa_data
    problems.sort(key=lambda p: (p.line, p.column, p.message))
    return CheckedDialog(file, spec, problems, extra, rasa_data)


def _duplicate_problems(doc: YamlDocument, file: str) -> list[Problem]:
    problems = []
    for dup in doc.duplicates:
        first = f"first at line {dup.first.line}, column {dup.first.column}"
        if dup.path and dup.path[-1] == "dtmf":
            where = f" in state '{dup.path[1]}'" if dup.path[0] == "states" else ""
            message = f"DTMF key '{dup.key}' is mapped twice{where} ({first})"
            hint = "map each key once; remove or renumber one of them"
        else:
            message = f"key '{dup.key}' is written twice ({first})"
            hint = "YAML keeps only the first; remove or rename the second"
        problems.append(Problem(file, dup.second.line, dup.second.column, message, hint))
    return problems
