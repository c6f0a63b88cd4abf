"""What the monitor, heartbeat and status-page services take (see ``monitoring_site.inputs``).

``notifications`` and ``depends_on`` are ids (the organization's own, checked by the service);
``project_id`` is a project of the organization or ``None``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitoring_site.inputs import UNSET, Fields, Unset


@dataclass(frozen=True, kw_only=True)
class MonitorChanges(Fields):
    """A change of a monitor: only the fields given are changed."""

    name: str | Unset = UNSET
    type: str | Unset = UNSET
    target: str | Unset = UNSET
    port: int | Unset | None = UNSET
    method: str | Unset = UNSET
    headers: dict[str, str] | Unset = UNSET
    body: str | Unset = UNSET
    expected_status: list[str] | Unset = UNSET
    follow_redirects: bool | Unset = UNSET
    verify_tls: bool | Unset = UNSET
    keyword: str | Unset = UNSET
    keyword_absent: bool | Unset = UNSET
    json_path: str | Unset = UNSET
    json_expected: str | Unset = UNSET
    cert_warn_days: int | Unset = UNSET
    dns_record_type: str | Unset = UNSET
    dns_expected: str | Unset = UNSET
    thresholds: dict[str, Any] | Unset = UNSET
    check_interval: int | Unset = UNSET
    timeout: float | Unset = UNSET
    retries: int | Unset = UNSET
    retry_interval: int | Unset = UNSET
    is_enabled: bool | Unset = UNSET
    expires_at: datetime | Unset | None = UNSET
    notifications: list[int] | Unset = UNSET
    depends_on: list[int] | Unset = UNSET
    project_id: int | Unset | None = UNSET
    tags: list[str] | Unset = UNSET
    locations: list[str] | Unset = UNSET
    quorum: int | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class NewMonitor(MonitorChanges):
    """A new monitor: a name, a type and a target; the rest take the model's defaults."""

    name: str = field()
    type: str = field()
    target: str = field()


@dataclass(frozen=True, kw_only=True)
class HeartbeatChanges(Fields):
    """A change of a heartbeat: only the fields given are changed."""

    name: str | Unset = UNSET
    run_interval: int | Unset | None = UNSET
    cron: str | Unset = UNSET
    timezone: str | Unset = UNSET
    grace_period: int | Unset = UNSET
    notifications: list[int] | Unset = UNSET
    depends_on: list[int] | Unset = UNSET
    project_id: int | Unset | None = UNSET
    tags: list[str] | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class NewHeartbeat(HeartbeatChanges):
    """A new heartbeat: a name and a schedule (``run_interval`` or ``cron``, checked by the service)."""

    name: str = field()


@dataclass(frozen=True, kw_only=True)
class StatusPageChanges(Fields):
    """A change of a status page. ``components``, when given, replaces them all: each is
    ``{"monitor_id"|"heartbeat_id": id, "group": str, "name": str}``."""

    name: str | Unset = UNSET
    slug: str | Unset = UNSET
    description: str | Unset = UNSET
    is_public: bool | Unset = UNSET
    show_locations: bool | Unset = UNSET
    logo: str | Unset = UNSET
    incident_status: str | Unset = UNSET
    incident_message: str | Unset = UNSET
    components: list[dict[str, Any]] | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class NewStatusPage(StatusPageChanges):
    """A new status page: a name and a slug (its public address)."""

    name: str = field()
    slug: str = field()
