"""Auto-remediation actions that alert rules may name (``auto_remediate: {action, max_attempts}``).

Other domains register theirs from ``ready()``: the agents app ``restart``, the jobs app ``run_task``.
An action receives the alert and returns a short description of what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Action = Callable[[Any], str]
_actions: dict[str, Action] = {}


def register(name: str, action: Action) -> None:
    _actions[name] = action


def get(name: str) -> Action | None:
    return _actions.get(name)


def names() -> list[str]:
    return sorted(_actions)
