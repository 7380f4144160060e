"""Rasa 3 training data: `nlu.yml` (intents, synonyms, lookup tables, regexes) and the
`responses:` of `domain.yml`.

Entity annotations in examples (`[savings](account)`, `[saving](account:savings)`,
`[saving]{"entity": "account", "value": "savings"}`) are stripped to their text for intent
training; the annotated values are kept as lookup table entries (and synonyms where a value is
given), so the same entities are found at parse time. Bad input raises NluDataError with the
file and line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from voicebot.nlu.errors import NluDataError
from voicebot.nlu.training_data import NluTrainingData

# [text](entity) or [text](entity:value) or [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]\[]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")
_KINDS = ("intent", "synonym", "lookup", "regex")


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NluDataError(f"cannot read: {exc.strerror}", path=path) from exc
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise NluDataError(f"not valid YAML: {problem}", path=path, line=line) from exc


def _line_of(node: Any, key: Any = None) -> int | None:
    """1-based line of a ruamel node (or of one of its keys)."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        return (lc.key(key)[0] if key is not None else lc.line) + 1
    except (KeyError, TypeError, IndexError):
        return lc.line + 1


def load_rasa_nlu(path: str | Path) -> NluTrainingData:
    """Training data from a Rasa 3 `nlu.yml`."""
    path = Path(path)
    document = _load_yaml(path)
    if not isinstance(document, dict) or "nlu" not in document:
        raise NluDataError("expected a mapping with an 'nlu:' list", path=path, line=1)
    items = document["nlu"]
    if not isinstance(items, list):
        raise NluDataError("'nlu:' must be a list", path=path, line=_line_of(document, "nlu"))
    data = _RasaNluReader(path)
    for index, item in enumerate(items):
        line = _item_line(items, index)
        if not isinstance(item, dict):
            raise NluDataError(f"nlu item {index + 1} must be a mapping", path=path, line=line)
        data.read_item(item, line)
    return data.result()


def _item_line(items: Any, index: int) -> int | None:
    try:
        return items.lc.item(index)[0] + 1
    except (AttributeError, KeyError, IndexError):
        return None


class _RasaNluReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.intents: dict[str, list[str]] = {}
        self.synonyms: dict[str, str] = {}
        self.lookups: dict[str, list[str]] = {}
        self.regexes: dict[str, str] = {}

    def result(self) -> NluTrainingData:
        return NluTrainingData(
            intents=self.intents, synonyms=self.synonyms, lookups=self.lookups, regexes=self.regexes
        )

    def read_item(self, item: dict[str, Any], line: int | None) -> None:
        kinds = [kind for kind in _KINDS if kind in item]
        if len(kinds) != 1:
            raise NluDataError(
                f"an nlu item needs exactly one of {', '.join(_KINDS)}; got keys {sorted(item)}",
                path=self.path,
                line=line,
            )
        kind, name = kinds[0], str(item[kinds[0]]).strip()
        if not name:
            raise NluDataError(f"empty {kind} name", path=self.path, line=line)
        examples = self._examples(item, line)
        if kind == "intent":
            texts = [self._strip_annotations(text, example_line) for text, example_line in examples]
            self.intents.setdefault(name, []).extend(texts)
        elif kind == "synonym":
            for text, _ in examples:
                self.synonyms[text] = name
        elif kind == "lookup":
            self._add_lookup(name, [text for text, _ in examples])
        else:
            for text, example_line in examples:
                try:
                    re.compile(text)
                except re.error as exc:
                    raise NluDataError(
                        f"regex {name!r} does not compile: {exc}", path=self.path, line=example_line
                    ) from exc
            patterns = [text for text, _ in examples]
            if name in self.regexes:
                patterns.insert(0, self.regexes[name])
            self.regexes[name] = "|".join(f"(?:{p})" for p in patterns)

    def _examples(self, item: dict[str, Any], line: int | None) -> list[tuple[str, int | None]]:
        """The `- text` lines of an item's examples block, each with its line in the file."""
        block = item.get("examples")
        if not isinstance(block, str):
            raise NluDataError(
                "'examples:' must be a block of '- text' lines (examples: |)",
                path=self.path,
                line=_line_of(item, "examples") if "examples" in item else line,
            )
        first_line = _line_of(item, "examples")
        examples = []
        for offset, raw in enumerate(block.splitlines(), start=1):
            stripped = raw.strip()
            example_line = first_line + offset if first_line is not None else None
            if not stripped or stripped.startswith("#"):
                continue
            if not stripped.startswith("- "):
                raise NluDataError(
                    f"example lines must start with '- ', got {stripped!r}",
                    path=self.path,
                    line=example_line,
                )
            text = stripped[2:].strip()
            if text:
                examples.append((text, example_line))
        if not examples:
            raise NluDataError("no examples", path=self.path, line=line)
        return examples

    def _strip_annotations(self, text: str, line: int | None) -> str:
        def replace(match: re.Match[str]) -> str:
            words = match.group("text")
            entity, value = self._annotation(match, line)
            self._add_lookup(entity, [value])
            if value != words:
                self.synonyms.setdefault(words, value)
            return words

        stripped = _ANNOTATION.sub(replace, text)
        if "](" in stripped or "]{" in stripped:
            raise NluDataError(
                f"malformed entity annotation in {text!r}", path=self.path, line=line
            )
        return stripped

    def _annotation(self, match: re.Match[str], line: int | None) -> tuple[str, str]:
        words = match.group("text")
        if match.group("short") is not None:
            entity, _, value = match.group("short").partition(":")
            return entity.strip(), (value.strip() or words)
        try:
            spec = json.loads(match.group("json"))
        except json.JSONDecodeError as exc:
            raise NluDataError(
                f"entity annotation {match.group('json')!r} is not JSON: {exc.msg}",
                path=self.path,
                line=line,
            ) from exc
        if not isinstance(spec, dict) or not isinstance(spec.get("entity"), str):
            raise NluDataError(
                f"entity annotation {match.group('json')!r} needs an 'entity' name",
                path=self.path,
                line=line,
            )
        return spec["entity"], str(spec.get("value", words))

    def _add_lookup(self, name: str, values: list[str]) -> None:
        table = self.lookups.setdefault(name, [])
        for value in values:
            if value not in table:
                table.append(value)


def load_rasa_domain_responses(path: str | Path) -> dict[str, list[str]]:
    """`responses:` of a Rasa domain.yml: response name -> its text variants (non-text
    variants such as images or custom payloads are skipped)."""
    path = Path(path)
    document = _load_yaml(path)
    if not isinstance(document, dict):
        raise NluDataError("expected a mapping at the top of a domain file", path=path, line=1)
    responses = document.get("responses") or {}
    if not isinstance(responses, dict):
        raise NluDataError(
            "'responses:' must be a mapping", path=path, line=_line_of(document, "responses")
        )
    result: dict[str, list[str]] = {}
    for name, variants in responses.items():
        line = _line_of(responses, name)
        if not isinstance(variants, list):
            raise NluDataError(
                f"response {name!r} must be a list of variants", path=path, line=line
            )
        texts = []
        for variant in variants:
            if not isinstance(variant, dict):
                raise NluDataError(
                    f"response {name!r}: each variant must be a mapping like '- text: ...'",
                    path=path,
                    line=_line_of(variant) or line,
                )
            if isinstance(variant.get("text"), str):
                texts.append(str(variant["text"]))
        result[str(name)] = texts
    return result
