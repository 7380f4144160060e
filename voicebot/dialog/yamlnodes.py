"""YAML to plain Python values, keeping where every key and value was written.

Composes the document with ruamel.yaml (no object construction, so nothing is executed) and
builds dicts, lists and scalars ourselves. That lets us keep a position for every path, report
duplicate keys (the first one wins, like most YAML loaders) and keep `1:` and `"1":` apart from
nothing: both become the key "1", so a DTMF key mapped twice is caught.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    path: Path  # the mapping holding the key
    key: str
    first: Position
    second: Position


@dataclass(slots=True)
class YamlDocument:
    data: Any
    values: dict[Path, Position] = field(default_factory=dict)  # where each value starts
    keys: dict[Path, Position] = field(default_factory=dict)  # where each mapping key is written
    duplicates: list[DuplicateKey] = field(default_factory=list)
    inline: dict[Path, int] = field(default_factory=dict)  # one-line scalars: column of the text
    flow_lists: set[Path] = field(default_factory=set)  # lists written as [a, b]

    def text_position(self, path: Path, offset: int) -> Position:
        """Where character `offset` of a one-line string value is; else where the value starts."""
        start = self.position(path)
        column = self.inline.get(path)
        return Position(start.line, column + offset) if column is not None else start

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Best position for `path`: the key or value itself, else its nearest written parent."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            prefix = path[:cut]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return Position(1, 1)


class YamlSyntaxError(Exception):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def _pos(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: ScalarNode) -> Any:
    tag, text = node.tag, node.value
    tag = getattr(tag, "value", tag)  # ruamel wraps tags in a Tag object in newer versions
    if node.style in ("'", '"', "|", ">"):
        return text
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "on")
    if tag.endswith(":int"):
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text  # "0123" and such: keep the digits as written
    if tag.endswith(":float"):
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    return text


def load_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raises YamlSyntaxError with the position of the fault."""
    yaml = YAML(typ="rt")
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(problem, position) from exc
    except YAMLError as exc:
        raise YamlSyntaxError(str(exc), Position(1, 1)) from exc
    document = YamlDocument(data=None)
    if root is not None:
        document.data = _build(root, (), document)
    return document


def _build(node: Node, path: Path, doc: YamlDocument) -> Any:
    doc.values[path] = _pos(node)
    if isinstance(node, ScalarNode):
        one_line = node.start_mark.line == node.end_mark.line
        # an escape (a backslash in double quotes, '' in single quotes) is longer in the file
        escaped = (node.style == '"' and any(c in node.value for c in '\\"\n\t')) or (
            node.style == "'" and "'" in node.value
        )
        if one_line and not escaped and node.style in (None, "", "'", '"'):
            doc.inline[path] = _pos(node).column + (1 if node.style in ("'", '"') else 0)
        return _scalar(node)
    if isinstance(node, SequenceNode):
        if node.flow_style:
            doc.flow_lists.add(path)
        return [_build(child, (*path, i), doc) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlSyntaxError("mapping keys must be plain words or numbers", _pos(key_node))
            key = str(_scalar(key_node)) if key_node.value != "" else ""
            if key in result:
                first = doc.keys[(*path, key)]
                doc.duplicates.append(DuplicateKey(path, key, first, _pos(key_node)))
                continue
            doc.keys[(*path, key)] = _pos(key_node)
            result[key] = _build(value_node, (*path, key), doc)
        return result
    raise YamlSyntaxError(f"unsupported YAML node {type(node).__name__}", _pos(node))
