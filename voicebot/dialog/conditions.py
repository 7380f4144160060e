"""Condition expressions such as `verified == true and attempts < 3`.

A small, safe subset of Python expressions checked with `ast`: names (slots, or `var.NAME`),
literals (`true`/`false`/`null` too), comparisons, `and`/`or`/`not`, `in`. Nothing is ever
passed to `eval`. A name without a value is None.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from voicebot.dialog.errors import ConditionError

_LITERAL_NAMES = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: b is not None and a in b,
    ast.NotIn: lambda a, b: b is None or a not in b,
}


@lru_cache(maxsize=1024)
def parse_condition(text: str) -> ast.expr:
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ConditionError(f"condition '{text}' is not a valid expression: {exc.msg}") from exc
    for node in ast.walk(tree):
        allowed = (
            ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.Compare, ast.Name, ast.Load,
            ast.Constant, ast.Attribute, ast.List, ast.Tuple, *_COMPARE,
        )  # fmt: skip
        if not isinstance(node, allowed):
            raise ConditionError(
                f"condition '{text}' uses '{type(node).__name__}', which conditions do not allow"
            )
        if isinstance(node, ast.Attribute) and not (
            isinstance(node.value, ast.Name) and node.value.id == "var"
        ):
            raise ConditionError(f"condition '{text}': only var.NAME may use a dot")
    return tree


def condition_names(text: str) -> set[str]:
    """Slot names and `var.NAME`s a condition reads."""
    names: set[str] = set()
    tree = parse_condition(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            names.add(f"var.{node.attr}")
        elif isinstance(node, ast.Name) and node.id not in _LITERAL_NAMES and node.id != "var":
            names.add(node.id)
    return names


def evaluate(text: str, slots: Mapping[str, Any], variables: Mapping[str, Any]) -> bool:
    return bool(_eval(parse_condition(text), slots, variables))


def _eval(node: ast.expr, slots: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name) if name in _LITERAL_NAMES:
            return _LITERAL_NAMES[name]
        case ast.Name(id=name):
            return slots.get(name)
        case ast.Attribute(attr=attr):
            return variables.get(attr)
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return [_eval(e, slots, variables) for e in elts]
        case ast.UnaryOp(operand=operand):
            return not _eval(operand, slots, variables)
        case ast.BoolOp(op=ast.And(), values=values):
            return all(_eval(v, slots, variables) for v in values)
        case ast.BoolOp(values=values):
            return any(_eval(v, slots, variables) for v in values)
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            current = _eval(left, slots, variables)
            for op, right_node in zip(ops, comparators, strict=True):
                right = _eval(right_node, slots, variables)
                try:
                    if not _COMPARE[type(op)](current, right):
                        return False
                except TypeError:
                    return False  # comparing None with a number: the condition does not hold
                current = right
            return True
    raise ConditionError(f"cannot evaluate {ast.dump(node)}")
