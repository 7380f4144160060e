"""Validate a parsed YAML document against the dialog models, as positioned Problems.

Pydantic reports where in the data a value is wrong (`loc`); the YAML document knows where that
data was written. Unknown keys get a "did you mean" from the keys allowed at that place.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from voicebot.dialog.errors import Problem
from voicebot.dialog.schema import HINT_MARK, DialogSpec
from voicebot.dialog.yamlnodes import Path, YamlDocument


def validate_structure(doc: YamlDocument, file: str) -> tuple[DialogSpec | None, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [
            Problem(
                file,
                1,
                1,
                "a dialog must be a mapping",
                "start with 'name:', 'start:' and 'states:'",
            )
        ]
    try:
        return DialogSpec.model_validate(doc.data), []
    except ValidationError as exc:
        problems = [_problem(error, doc, file) for error in exc.errors()]
        return None, sorted(set(problems), key=lambda p: (p.line, p.column, p.message))


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Path, Path]:
    """Split pydantic's loc into the part present in the data and the rest (missing keys)."""
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path.append(part)
        elif isinstance(current, (dict, list)) and not _is_wrapper(part):
            return tuple(path), tuple(loc[i:])
    return tuple(path), ()


def _is_wrapper(part: Any) -> bool:
    """Loc parts that name a shorthand's expansion rather than a key the author wrote."""
    return part in ("entries", "goto", "examples", "to", "function-before[convert(), ...]")


_SECTION_ITEMS = {
    "states": "state", "slots": "slot", "webhooks": "webhook", "intents": "intent", "global": "global intent",
}  # fmt: skip


def _where(path: Path) -> str:
    if not path:
        return "the dialog"
    if path[0] in _SECTION_ITEMS and len(path) >= 2:
        rest = ".".join(str(p) for p in path[2:])
        return f"{_SECTION_ITEMS[str(path[0])]} '{path[1]}'" + (f" at {rest}" if rest else "")
    return "'" + ".".join(str(p) for p in path) + "'"


def _problem(error: Any, doc: YamlDocument, file: str) -> Problem:
    loc = tuple(error["loc"])
    path, missing = _data_path(doc.data, loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "allowed here: " + ", ".join(allowed)
        pos = doc.position(path, key=True)
        return Problem(
            file, pos.line, pos.column, f"unknown key '{key}' in {_where(path[:-1])}", hint
        )
    pos = doc.position(path)
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        key = str(missing[-1]) if missing else str(loc[-1])
        return Problem(
            file, pos.line, pos.column, f"{_where(path)} is missing '{key}'", f"add '{key}:'"
        )
    if kind == "value_error" and HINT_MARK in message:
        message, hint = message.split(HINT_MARK, 1)
        return Problem(file, pos.line, pos.column, f"{_where(path)}: {message}", hint)
    value = error.get("input")
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    hint = _type_hint(kind)
    if kind == "literal_error" and isinstance(value, str):
        options = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else hint
    return Problem(file, pos.line, pos.column, f"{_where(path)}: {message} (got {shown})", hint)


def _type_hint(kind: str) -> str:
    if kind.startswith(("string", "int", "float", "bool", "dict", "list", "model")):
        return "see `voicebot schema` for the expected shape"
    if kind == "literal_error":
        return "use one of the listed values"
    return "see docs/dialogs.md"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Keys a model accepts at `loc`, found by walking the model annotations."""
    current: Any = DialogSpec
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    model = _model_of(current)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for option in _unwrap(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def _step(annotation: Any, part: Any) -> Any:
    model = _model_of(annotation)
    if model is not None:
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return (
                    field.annotation
                    if not field.metadata
                    else typing.Annotated[field.annotation, *field.metadata]
                )
        return model if _is_wrapper(part) else None
    for option in _unwrap(annotation):
        origin = typing.get_origin(option)
        if origin is dict:
            return typing.get_args(option)[1]
        if origin is list:
            return typing.get_args(option)[0]
    return None
