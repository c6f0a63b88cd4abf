"""Auto-remediation actions that alert rules may name (``auto_remediate: {action, max_attempts}``).

Other domains register theirs from ``ready()``: the agents app ``restart``, the jobs app ``run_task``.
An action receives the alert and returns a short description of what it did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Action = Callable[[Any], str]
_actions: dict[str, Action] = {}


def register(name: str, action: Action) -> None:
    _actions[name] = action


def unregister(name: str) -> None:
    """Forget ``name``; an unknown name is not an error."""
    _actions.pop(name, None)


@contextmanager
def override(name: str, action: Action) -> Iterator[None]:
    """Run the block with ``name`` bound to ``action``, then restore what was there (tests use it)."""
    previous = _actions.get(name)
    _actions[name] = action
    try:
        yield
    finally:
        if previous is None:
            unregister(name)
        else:
            _actions[name] = previous


def get(name: str) -> Action | None:
    return _actions.get(name)


def names() -> list[str]:
    return sorted(_actions)
