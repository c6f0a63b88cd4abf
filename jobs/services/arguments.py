"""Declared task arguments: checking a task's declarations, and checking the values a job is started with.

A declaration is ``{"name", "type": string|integer|number|boolean|choice, "required"?, "default"?,
"choices"?, "description"?, "allow_leading_dash"?}``. A job's ``task_arguments`` may be positional values in
declaration order (``["a", 3]``), ``{"name": ..., "value": ...}`` items, or an object by name.
"""

from __future__ import annotations

import re
from typing import Any

from jobs.choices import ArgumentType
from monitoring_site.errors import RuleViolation

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
PLACEHOLDER_AT_START = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_VALUE_LENGTH = 4096


def declarations_errors(declared: Any) -> list[str]:
    """What is wrong with a task's ``arguments`` declarations (empty when they are fine)."""
    if not isinstance(declared, list):
        return ["A list of {name, type, required?, default?, choices?}."]
    errors: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(declared):
        where = f"Item {index}"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not NAME.match(item["name"])
        ):
            errors.append(
                f"{where}: 'name' must be letters, digits and underscores, not starting with a digit."
            )
            continue
        if item["name"] in seen:
            errors.append(f"{where}: '{item['name']}' is declared twice.")
        seen.add(item["name"])
        kind = item.get("type", ArgumentType.STRING)
        if kind not in ArgumentType.values:
            errors.append(f"{where}: type must be one of {', '.join(ArgumentType.values)}.")
            continue
        if not isinstance(item.get("allow_leading_dash", False), bool):
            errors.append(f"{where}: allow_leading_dash must be true or false.")
        choices = item.get("choices")
        if kind == ArgumentType.CHOICE and (not isinstance(choices, list) or not choices):
            errors.append(f"{where}: a choice argument needs a non-empty 'choices' list.")
            continue
        if "default" in item and item["default"] is not None:
            try:
                _coerce(item, item["default"])
            except ValueError as exc:
                errors.append(f"{where}: default: {exc}")
    return errors


def _coerce(spec: dict[str, Any], value: Any) -> Any:
    kind = spec.get("type", ArgumentType.STRING)
    if kind == ArgumentType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        raise ValueError("expected true or false.")
    if kind == ArgumentType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("expected an integer.")
        try:
            return int(value)
        except ValueError:
            raise ValueError("expected an integer.") from None
    if kind == ArgumentType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("expected a number.")
        try:
            return float(value)
        except ValueError:
            raise ValueError("expected a number.") from None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError("expected a string.")
    text = str(value)
    if len(text) > MAX_VALUE_LENGTH or "\x00" in text:
        raise ValueError(f"at most {MAX_VALUE_LENGTH} characters and no NUL byte.")
    if kind == ArgumentType.CHOICE and text not in [str(c) for c in spec.get("choices", [])]:
        raise ValueError(f"one of {', '.join(str(c) for c in spec['choices'])}.")
    return text


def _by_name(declared: list[dict[str, Any]], given: Any) -> dict[str, Any]:
    if given is None:
        return {}
    if isinstance(given, dict):
        return dict(given)
    if not isinstance(given, list):
        raise RuleViolation(
            "task_arguments must be a list or an object.", details={"task_arguments": ["Wrong type."]}
        )
    if all(isinstance(item, dict) and "name" in item for item in given) and given:
        return {str(item["name"]): item.get("value") for item in given}
    if len(given) > len(declared):
        raise RuleViolation(
            "Too many arguments.",
            details={"task_arguments": [f"The task declares {len(declared)} argument(s); got {len(given)}."]},
        )
    return {spec["name"]: value for spec, value in zip(declared, given, strict=False)}


def arguments_validate(declared: list[dict[str, Any]], given: Any) -> dict[str, Any]:
    """The job's argument values by name, defaults filled in; a ``RuleViolation`` with an error per bad
    argument otherwise (nothing is created)."""
    values = _by_name(declared, given)
    names = {spec["name"] for spec in declared}
    errors: dict[str, list[str]] = {}
    for unknown in sorted(set(values) - names):
        errors[unknown] = ["The task declares no such argument."]
    result: dict[str, Any] = {}
    for spec in declared:
        name = spec["name"]
        value = values.get(name, spec.get("default"))
        if value is None:
            if spec.get("required", "default" not in spec):
                errors[name] = ["This argument is required."]
            continue
        try:
            result[name] = _coerce(spec, value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        details = {f"task_arguments.{name}": problems for name, problems in errors.items()}
        raise RuleViolation("The task arguments are invalid.", details=details)
    return result


def leading_dash_errors(argv: list[str], declared: list[dict[str, Any]], values: dict[str, Any]) -> None:
    """Refuse a value starting with ``-`` where it would begin an argv item before a literal ``--``: there
    the allow-listed executable would read it as an option (``--output=/etc/passwd``, ``-c code``). Items
    after ``--`` and arguments declared with ``allow_leading_dash`` take any value."""
    allowed = {spec["name"] for spec in declared if spec.get("allow_leading_dash")}
    end = argv.index("--") if "--" in argv else len(argv)
    errors: dict[str, list[str]] = {}
    for item in argv[:end]:
        found = PLACEHOLDER_AT_START.match(str(item))
        if not found or found.group(1) in allowed:
            continue
        name = found.group(1)
        if str(values.get(name, "")).startswith("-"):
            errors[f"task_arguments.{name}"] = [
                "Starts with '-', which the program would read as an option; the task must place it after "
                "'--' or declare the argument with allow_leading_dash."
            ]
    if errors:
        raise RuleViolation("The task arguments are invalid.", details=errors)
