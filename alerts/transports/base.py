"""What every notification transport is: a kind, its config fields, and an async ``send``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from monitoring_site.errors import RuleViolation
from monitoring_site.outbound_http import OutboundResult, Session


@dataclass(frozen=True)
class Notification:
    """A message for people, built from one event."""

    event_id: str
    event: str
    title: str
    text: str
    body: dict[str, Any]


class TransportError(Exception):
    """``permanent`` errors will not go away by retrying (bad URL, revoked token); others are retried."""

    def __init__(self, message: str, *, permanent: bool = False, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.status_code = status_code


def mask_secret(value: Any) -> str:
    """How a secret config value is shown after it is saved: a URL by its scheme and host only (tokens
    live in the path, query or user part), anything else by a short prefix."""
    text = str(value)
    parts = urlparse(text)
    if parts.scheme and parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}/…"
    return text[:4] + "…" if len(text) > 16 else "…"


@dataclass(frozen=True)
class ConfigField:
    name: str
    label: str
    type: str  # "url", "email_list", "string"
    required: bool = True
    help: str = ""
    secret: bool = False

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "help": self.help,
            "secret": self.secret,
        }


def _clean_value(spec: ConfigField, value: Any) -> tuple[Any, str | None]:
    if spec.type == "url":
        parsed = urlparse(str(value))
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            return value, "Enter an http:// or https:// URL."
        return str(value), None
    if spec.type == "email_list":
        items = value if isinstance(value, list) else [v.strip() for v in str(value).split(",") if v.strip()]
        if not items:
            return value, "Give at least one email address."
        for item in items:
            try:
                validate_email(item)
            except DjangoValidationError:
                return value, f"'{item}' is not an email address."
        return items, None
    if not isinstance(value, str) or not value.strip():
        return value, "Must be a non-empty string."
    return value.strip(), None


@dataclass
class Transport(ABC):
    kind: str
    label: str
    fields: list[ConfigField] = field(default_factory=list)

    def clean_config(self, config: Any) -> dict[str, Any]:
        """The config with only known fields, normalised; a RuleViolation naming each bad field otherwise."""
        if not isinstance(config, dict):
            raise RuleViolation("config must be an object.", details={"config": ["Must be a JSON object."]})
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        for spec in self.fields:
            if config.get(spec.name) in (None, "", []):
                if spec.required:
                    errors[f"config.{spec.name}"] = ["This field is required."]
                continue
            value, error = _clean_value(spec, config[spec.name])
            if error:
                errors[f"config.{spec.name}"] = [error]
            cleaned[spec.name] = value
        unknown = sorted(set(config) - {spec.name for spec in self.fields})
        if unknown:
            errors["config"] = [f"Unknown field(s) for {self.kind}: {', '.join(unknown)}."]
        extra = self.check(cleaned) if not errors else {}
        errors.update(extra)
        if errors:
            raise RuleViolation(f"The {self.kind} configuration is invalid.", details=errors)
        return cleaned

    def check(self, config: dict[str, Any]) -> dict[str, list[str]]:
        """Kind-specific checks beyond field types; returns errors by field."""
        return {}

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "config_fields": [f.describe() for f in self.fields]}

    @abstractmethod
    async def send(self, notification: Notification, config: dict[str, Any], http: Session) -> int | None:
        """Deliver the notification (the HTTP status when there is one); raise TransportError on failure."""


def raise_for_http(result: OutboundResult, *, permanent_statuses: tuple[int, ...] = ()) -> int:
    """Success returns the status; connection errors and 5xx/408/429 are transient; other 4xx permanent."""
    if result.error is not None:
        raise TransportError(result.error, permanent=result.blocked)
    status = result.status_code or 0
    if 200 <= status < 300:
        return status
    retryable = status >= 500 or status in (408, 425, 429)
    message = f"HTTP {status}: {result.body[:200]}".strip()
    raise TransportError(message, permanent=status in permanent_statuses or not retryable, status_code=status)
