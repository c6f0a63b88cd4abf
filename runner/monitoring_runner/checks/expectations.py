"""The JSON monitor's expectation: a plain value (``ok``, ``3``, ``true``) that must equal the value found,
or a comparison (``>= 3``, ``< 0.5``, ``!= maintenance``). Ordering operators compare numbers."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

COMPARISON = re.compile(r"^\s*(==|!=|>=|<=|>|<)\s*(.+?)\s*$")
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
ORDERING = {">=", "<=", ">", "<"}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def expectation_error(expected: str) -> str:
    """Why ``expected`` is not a usable expectation, or "" (checked when a monitor is saved)."""
    found = COMPARISON.match(expected)
    if found and found.group(1) in ORDERING and _number(found.group(2)) is None:
        return f"'{found.group(1)}' compares numbers; '{found.group(2)}' is not one."
    return ""


def expectation_met(shown: str, expected: str) -> bool:
    """``shown`` is the found value as text (a JSON string's own text, anything else as JSON)."""
    found = COMPARISON.match(expected)
    op, wanted = (found.group(1), found.group(2)) if found else ("==", expected)
    left, right = _number(shown), _number(wanted)
    if left is not None and right is not None:
        return OPERATORS[op](left, right)
    if op in ORDERING:
        return False  # a non-number where a number was expected
    return OPERATORS[op](shown, wanted)
