"""What the alert-rule and maintenance-window services take (see ``monitoring_site.inputs``).

A rule's ``channels`` and ``escalation_channels`` name the organization's channels by id or by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitoring_site.inputs import UNSET, Fields, Unset


@dataclass(frozen=True, kw_only=True)
class RuleChanges(Fields):
    """A change of an alert rule: only the fields given are changed."""

    name: str | Unset = UNSET
    metric: str | Unset = UNSET
    operator: str | Unset = UNSET
    threshold: float | Unset = UNSET
    duration_minutes: int | Unset = UNSET
    scope: dict[str, Any] | Unset = UNSET
    severity: str | Unset = UNSET
    channels: list[int | str] | Unset = UNSET
    escalation_channels: list[int | str] | Unset = UNSET
    recipients: list[str] | Unset = UNSET
    check_interval: int | Unset = UNSET
    repeat_every_minutes: int | Unset | None = UNSET
    escalate_after_minutes: int | Unset | None = UNSET
    expires_at: datetime | Unset | None = UNSET
    auto_remediate: dict[str, Any] | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class NewRule(RuleChanges):
    """A new alert rule: a name and its condition (metric, operator, threshold)."""

    name: str = field()
    metric: str = field()
    operator: str = field()
    threshold: float = field()


@dataclass(frozen=True, kw_only=True)
class MaintenanceChanges(Fields):
    """A change of a maintenance window, checked against the window as it is."""

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    starts_at: datetime | Unset | None = UNSET
    ends_at: datetime | Unset | None = UNSET
    cron: str | Unset = UNSET
    timezone: str | Unset = UNSET
    duration_minutes: int | Unset | None = UNSET
    applies_to_all: bool | Unset = UNSET
    subjects: list[dict[str, Any]] | Unset = UNSET
    is_active: bool | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class NewMaintenance(MaintenanceChanges):
    """A new maintenance window: a name and a schedule (``starts_at``/``ends_at``, or ``cron`` with
    ``duration_minutes``, checked by the service)."""

    name: str = field()
