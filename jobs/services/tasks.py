"""Task definitions: create, change, rotate the secret key, and the schedule's next run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs.choices import JobTarget, ScheduleType, TaskKind
from jobs.inputs import NewTask, TaskChanges
from jobs.models import Task
from jobs.services.arguments import declarations_errors
from monitoring_runner.execution import PLACEHOLDER, executable_allowed, variable_refused
from monitoring_site.accounts.models import Organization
from monitoring_site.deletion import delete_cascading
from monitoring_site.errors import RuleViolation
from monitoring_site.results import Created
from monitoring_site.secret_tokens import token_digest, token_new

SECRET_PREFIX = "tsk_"  # noqa: S105 - a prefix, not a secret
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
MIN_INTERVAL_SECONDS = 5
MAX_INTERVAL_SECONDS = 366 * 86400
MAX_RETRIES = 10
# A change to any of these recomputes next_run_at.
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
SCHEDULE_FIELDS = (
    "schedule_type",
    "interval_seconds",
    "cron",
    "timezone",
    "max_runs",
    "run_until",
    "enabled",
)


def task_for_secret(raw: str) -> Task | None:
    """The task whose secret key is ``raw`` (compared hashed), else None."""
    if not raw.startswith(SECRET_PREFIX):
        return None
    return Task.objects.select_related("organization").filter(secret_key_hash=token_digest(raw)).first()


# --- schedule ----------------------------------------------------------------------------------------


def next_run_after(task: Task, after: datetime) -> datetime | None:
    """The first due time strictly after ``after`` (cron in the task's time zone, so DST moves it as it
    moves wall clocks), or None once ``max_runs`` or ``run_until`` is reached."""
    if not task.enabled or task.schedule_type == ScheduleType.NONE:
        return None
    if task.max_runs is not None and task.run_count >= task.max_runs:
        return None
    if task.schedule_type == ScheduleType.CRON:
        local = after.astimezone(ZoneInfo(task.timezone))
        due = croniter(task.cron, local).get_next(datetime).astimezone(UTC)
    else:
        due = after + timedelta(seconds=task.interval_seconds or MIN_INTERVAL_SECONDS)
    if task.run_until is not None and due > task.run_until:
        return None
    return due


def next_run_missed(task: Task, due: datetime, now: datetime) -> datetime | None:
    """After the run due at ``due``: the next due time after ``now``. Runs missed while the platform was
    down collapse into the one being made now instead of firing in a burst."""
    if task.schedule_type == ScheduleType.INTERVAL and task.interval_seconds:
        steps = int((now - due).total_seconds() // task.interval_seconds) + 1
        return next_run_after(task, due + timedelta(seconds=task.interval_seconds * (steps - 1)))
    return next_run_after(task, max(due, now))


RUNNER_FORMS = '"local", "remote", "label:<label>" or "id:<runner id>"'


def runner_target(value: str, organization: Organization) -> dict[str, Any] | None:
    """The task fields for a runner choice written as ``local``, ``remote``, ``label:<label>`` or
    ``id:<runner id>`` (a runner of this organization); None when it is none of these."""
    from jobs.models import Runner

    value = value.strip()
    if value == "local":
        return {"target": JobTarget.LOCAL, "runner_label": "", "runner": None}
    if value in ("remote", "any"):
        return {"target": JobTarget.REMOTE, "runner_label": "", "runner": None}
    if value.startswith("label:") and 0 < len(value) - 6 <= 100:
        return {"target": JobTarget.REMOTE, "runner_label": value[6:], "runner": None}
    if value.startswith("id:") and value[3:].isdigit():
        runner = Runner.objects.filter(organization=organization, pk=int(value[3:])).first()
        if runner is not None:
            return {"target": JobTarget.REMOTE, "runner_label": "", "runner": runner}
    return None


def runner_text(task: Task) -> str:
    """The inverse of ``runner_target``."""
    if task.target == JobTarget.LOCAL:
        return "local"
    if task.runner_id:
        return f"id:{task.runner_id}"
    return f"label:{task.runner_label}" if task.runner_label else "remote"


# --- validation --------------------------------------------------------------------------------------


def _clean(organization: Organization, data: dict[str, Any], current: Task | None) -> dict[str, Any]:
    def value(name: str, default: Any = None) -> Any:
        return data[name] if name in data else getattr(current, name, default) if current else default

    errors: dict[str, list[str]] = {}
    name = value("name", "")
    clash = Task.objects.filter(organization=organization, name=name)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        errors["name"] = ["A task with this name exists in this organization."]
    declared = value("arguments", [])
    errors_declared = declarations_errors(declared)
    if errors_declared:
        errors["arguments"] = errors_declared
    declared_names = {d.get("name") for d in declared} if not errors_declared else set()
    kind, target = value("kind", TaskKind.NOOP), value("target", JobTarget.LOCAL)
    if kind == TaskKind.SCRIPT:
        errors.update(_script_errors(value("executable", ""), value("argv", []), target, declared_names))
        problems = environment_errors(value("environment", {}))
        if problems:
            errors["environment"] = problems
    if kind == TaskKind.HTTP:
        url = str(value("url", "") or "")
        parts = urlsplit(url)
        if not url:
            errors["url"] = ["An HTTP task needs a url."]
        elif parts.scheme not in ("http", "https") or not parts.netloc:
            errors["url"] = ["An http:// or https:// URL with a host."]
        if str(value("method", "GET")).upper() not in HTTP_METHODS:
            errors["method"] = [f"One of {', '.join(HTTP_METHODS)}."]
        headers = value("headers", {})
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            errors["headers"] = ["An object of header names to string values."]
    runner = value("runner")
    if runner is not None and runner.organization_id != organization.pk:
        errors["runner"] = ["No such runner in this organization."]
    if not 1 <= value("timeout", 300) <= settings.JOBS_MAX_TIMEOUT_SECONDS:
        errors["timeout"] = [f"Between 1 and {settings.JOBS_MAX_TIMEOUT_SECONDS} seconds."]
    if not 1024 <= value("max_output_bytes", 65536) <= settings.JOBS_MAX_OUTPUT_BYTES:
        errors["max_output_bytes"] = [f"Between 1024 and {settings.JOBS_MAX_OUTPUT_BYTES} bytes."]
    if value("retries", 0) > MAX_RETRIES:
        errors["retries"] = [f"At most {MAX_RETRIES}."]
    errors.update(_schedule_errors(value))
    if errors:
        raise RuleViolation("The task is invalid.", details=errors)
    if "method" in data:
        data["method"] = str(data["method"]).upper()
    return data


def _script_errors(executable: str, argv: Any, target: str, declared: set) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not executable:
        errors["executable"] = ["A script task needs an executable."]
    elif (
        target == JobTarget.LOCAL
        and executable_allowed(executable, settings.JOBS_ALLOWED_EXECUTABLES) is None
    ):
        allowed = ", ".join(settings.JOBS_ALLOWED_EXECUTABLES) or "none: set JOBS_ALLOWED_EXECUTABLES"
        errors["executable"] = [f"Not allowed on the platform's workers (allowed: {allowed})."]
    if not isinstance(argv, list) or not all(isinstance(item, str) for item in argv):
        errors["argv"] = ["A list of strings."]
    else:
        unknown = sorted({m for item in argv for m in PLACEHOLDER.findall(item)} - declared)
        if unknown:
            errors["argv"] = [f"Placeholders name undeclared arguments: {', '.join(unknown)}."]
    return errors


def environment_errors(environment: Any) -> list[str]:
    """What is wrong with a script task's ``environment`` (names to string values)."""
    if not isinstance(environment, dict):
        return ["An object of variable names to string values."]
    problems = []
    for name, text in environment.items():
        if not ENV_NAME.match(str(name)):
            problems.append(f"{name!r}: letters, digits and underscores, not starting with a digit.")
        elif variable_refused(name):
            problems.append(f"{name}: set by the platform or able to change what runs; not allowed.")
        elif not isinstance(text, str) or len(text) > 4096 or "\x00" in text:
            problems.append(f"{name}: a string of at most 4096 characters without NUL.")
    if len(environment) > 50:
        problems.append("At most 50 variables.")
    return problems


def _schedule_errors(value) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    kind = value("schedule_type", ScheduleType.NONE)
    if kind == ScheduleType.INTERVAL and not (
        MIN_INTERVAL_SECONDS <= (value("interval_seconds") or 0) <= MAX_INTERVAL_SECONDS
    ):
        errors["schedule"] = [
            f"An interval schedule needs seconds from {MIN_INTERVAL_SECONDS} to {MAX_INTERVAL_SECONDS}."
        ]
    if kind == ScheduleType.CRON and not croniter.is_valid(value("cron", "") or ""):
        errors["schedule"] = ["Not a valid cron expression (five fields: minute hour day month weekday)."]
    try:
        ZoneInfo(str(value("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        errors["schedule"] = [f"Unknown time zone '{value('timezone')}'."]
    return errors


# --- writes ------------------------------------------------------------------------------------------


def _store(task: Task, data: dict[str, Any], now: datetime) -> Task:
    schedule_changed = any(getattr(task, name) != data[name] for name in SCHEDULE_FIELDS if name in data)
    for name, value in data.items():
        setattr(task, name, value)
    if schedule_changed or task.next_run_at is None or not task.enabled:
        task.next_run_at = next_run_after(task, now)
    task.save()
    return task


@transaction.atomic
def task_create(*, organization: Organization, new: NewTask, now: datetime | None = None) -> Created[Task]:
    """Create a task; returns it with its secret key, which is never shown again."""
    data = _clean(organization, new.given(), None)
    raw, hashed, prefix = token_new(SECRET_PREFIX)
    task = Task(organization=organization, secret_key_hash=hashed, secret_key_prefix=prefix)
    return Created(_store(task, data, now or timezone.now()), raw)


@transaction.atomic
def task_update(*, task: Task, changes: TaskChanges, now: datetime | None = None) -> Task:
    """Change the fields ``changes`` gives, checked as on creation, with the task's row locked."""
    data = _clean(task.organization, changes.given(), task)
    return _store(Task.objects.select_for_update().get(pk=task.pk), data, now or timezone.now())


def task_rotate_secret(*, task: Task) -> Created[Task]:
    """A new secret key; the old one stops working at once."""
    raw, hashed, prefix = token_new(SECRET_PREFIX)
    Task.objects.filter(pk=task.pk).update(secret_key_hash=hashed, secret_key_prefix=prefix)
    task.secret_key_hash, task.secret_key_prefix = hashed, prefix
    return Created(task, raw)


@transaction.atomic
def task_delete(*, task: Task) -> None:
    """Delete a task with its jobs, taking them out of the statistics."""
    from jobs.services.stats import stats_forget_task

    stats_forget_task(task.pk)
    delete_cascading(task)  # a schedule may be adding a job to it right now
