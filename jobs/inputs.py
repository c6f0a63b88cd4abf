"""What the task and runner services take (see ``monitoring_site.inputs``).

A task's runner is given as the fields ``target``, ``runner_label`` and ``runner`` (what
``jobs.services.tasks.runner_target`` reads from ``local``, ``remote``, ``label:<label>`` or
``id:<runner id>``), and its schedule as ``schedule_type`` with ``interval_seconds`` or ``cron`` and
``timezone``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from monitoring_site.inputs import UNSET, Fields, Unset

if TYPE_CHECKING:
    from jobs.models import Runner


@dataclass(frozen=True, kw_only=True)
class TaskChanges(Fields):
    """A change of a task: only the fields given are changed (a schedule change moves its next run)."""

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    task_type: str | Unset = UNSET
    kind: str | Unset = UNSET
    executable: str | Unset = UNSET
    argv: list[str] | Unset = UNSET
    environment: dict[str, str] | Unset = UNSET
    url: str | Unset = UNSET
    method: str | Unset = UNSET
    headers: dict[str, str] | Unset = UNSET
    body: str | Unset = UNSET
    arguments: list[dict[str, Any]] | Unset = UNSET
    queue: str | Unset = UNSET
    target: str | Unset = UNSET
    runner_label: str | Unset = UNSET
    runner: Runner | Unset | None = UNSET
    timeout: int | Unset = UNSET
    max_output_bytes: int | Unset = UNSET
    retries: int | Unset = UNSET
    schedule_type: str | Unset = UNSET
    interval_seconds: int | Unset | None = UNSET
    cron: str | Unset = UNSET
    timezone: str | Unset = UNSET
    max_runs: int | Unset | None = UNSET
    run_until: datetime | Unset | None = UNSET
    enabled: bool | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class NewTask(TaskChanges):
    """A new task: a name, unique in its organization; a task of no kind is a no-op."""

    name: str = field()


@dataclass(frozen=True, kw_only=True)
class RunnerChanges(Fields):
    """A change of a runner: rename, relabel, enable or disable it, or link its host monitor."""

    name: str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    locations: list[str] | Unset = UNSET
    enabled: bool | Unset = UNSET
    host_monitor_id: int | Unset | None = UNSET
