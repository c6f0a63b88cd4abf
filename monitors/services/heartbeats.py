"""Heartbeats: creating and changing them, applying pings in batches, and flipping the silent ones.

The one place that decides a heartbeat's status. A ping batch locks its heartbeats (Postgres) or runs in
SQLite's IMMEDIATE transaction, so concurrent batches apply pings to one heartbeat in turn; the evaluator
flips late and down with compare-and-swaps on the due times, so a ping that moved them wins.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils import timezone

from monitoring_site.accounts.models import Organization
from monitoring_site.audit.services import pause_record
from monitoring_site.deletion import delete_cascading
from monitoring_site.errors import Conflict, RuleViolation
from monitoring_site.events import emit
from monitors.choices import (
    HeartbeatStatus,
    IncidentCause,
    IncidentSource,
    IncidentStatus,
    MonitorStatus,
    PingKind,
)
from monitors.inputs import HeartbeatChanges, NewHeartbeat
from monitors.models import Heartbeat, HeartbeatPing, Incident
from monitors.services.ping_store import heartbeats_lock, heartbeats_write_state, pings_insert
from monitors.services.transitions import incident_payload
from monitors.services.watched import related_errors, store

TOKEN_BYTES = 16  # 22 URL-safe characters


def heartbeat_token() -> str:
    """A ping token that never starts with "-": on a command line (``monitoring ping <token>``, a cron
    wrapper's argument) one that did would be read as an option (1 token in 64)."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


# --- schedule --------------------------------------------------------------------------------------


def next_expected(heartbeat: Any, after: datetime) -> datetime:
    """When the job should next ping, after a ping at ``after``: the next cron time (in the heartbeat's
    time zone, so DST moves it as it moves the job) or ``after`` plus the interval."""
    if heartbeat.cron:
        local = after.astimezone(ZoneInfo(heartbeat.timezone))
        return croniter(heartbeat.cron, local).get_next(datetime).astimezone(UTC)
    return after + timedelta(seconds=heartbeat.run_interval or 0)


def _expect(heartbeat: Any, after: datetime) -> None:
    heartbeat.late_at = next_expected(heartbeat, after)
    heartbeat.down_at = heartbeat.late_at + timedelta(seconds=heartbeat.grace_period)


# --- create, change, pause ---------------------------------------------------------------------------


def _clean(organization: Organization, data: dict[str, Any], current: Heartbeat | None) -> dict[str, Any]:
    def value(name: str, default: Any = None) -> Any:
        return data[name] if name in data else getattr(current, name, default) if current else default

    errors: dict[str, list[str]] = {}
    interval, cron = value("run_interval"), value("cron", "")
    if bool(interval) == bool(cron):
        errors["run_interval"] = ["Give run_interval (seconds) or cron, not both."]
    if interval is not None and interval < 10 and not cron:
        errors["run_interval"] = ["At least 10 seconds."]
    if cron and not croniter.is_valid(cron):
        errors["cron"] = ["Not a valid cron expression (five fields: minute hour day month weekday)."]
    try:
        ZoneInfo(str(value("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [f"Unknown time zone '{value('timezone')}'."]
    errors.update(related_errors(organization, data))
    if errors:
        raise RuleViolation("The heartbeat is invalid.", details=errors)
    return data


def _store(heartbeat: Heartbeat, data: dict[str, Any]) -> Heartbeat:
    def reschedule() -> None:  # a new schedule moves the next expected ping
        if heartbeat.last_ping_at and heartbeat.status in (HeartbeatStatus.UP, HeartbeatStatus.LATE):
            _expect(heartbeat, heartbeat.last_ping_at)

    return store(heartbeat, data, before_save=reschedule)


@transaction.atomic
def heartbeat_create(*, organization: Organization, new: NewHeartbeat) -> Heartbeat:
    """Create a heartbeat with a new ping token, its fields checked (channels and parents must be the
    organization's)."""
    data = _clean(organization, new.given(), None)
    return _store(Heartbeat(organization=organization, token=heartbeat_token()), data)


@transaction.atomic
def heartbeat_update(*, heartbeat: Heartbeat, changes: HeartbeatChanges) -> Heartbeat:
    """Change the fields ``changes`` gives, checked as on creation; the token stays."""
    return _store(heartbeat, _clean(heartbeat.organization, changes.given(), heartbeat))


def heartbeat_delete(*, heartbeat: Heartbeat) -> None:
    """Delete the heartbeat with its pings and incidents (while pings may still be arriving for it)."""
    delete_cascading(heartbeat)


def heartbeat_regenerate_token(*, heartbeat: Heartbeat) -> Heartbeat:
    """A new ping URL; the old one answers 404 from now on."""
    heartbeat.token = heartbeat_token()
    heartbeat.save(update_fields=["token", "updated_at"])
    return heartbeat


@transaction.atomic
def heartbeat_pause(*, heartbeat: Heartbeat, by: str = "") -> Heartbeat:
    """Pause the heartbeat (no late or down alerts while paused); 409 ``heartbeat_already_paused``."""
    if not Heartbeat.objects.filter(pk=heartbeat.pk, is_paused=False).update(
        is_paused=True, status=HeartbeatStatus.PAUSED
    ):
        raise Conflict("The heartbeat is already paused.", code="heartbeat_already_paused")
    pause_record(subject=heartbeat, action="pause", by=by)
    heartbeat.refresh_from_db()
    return heartbeat


@transaction.atomic
def heartbeat_resume(*, heartbeat: Heartbeat, by: str = "") -> Heartbeat:
    """Back to ``new``: the next ping starts the schedule again (no alert for the time it was paused)."""
    if not Heartbeat.objects.filter(pk=heartbeat.pk, is_paused=True).update(
        is_paused=False, status=HeartbeatStatus.NEW, late_at=None, down_at=None
    ):
        raise Conflict("The heartbeat is not paused.", code="heartbeat_not_paused")
    pause_record(subject=heartbeat, action="resume", by=by)
    heartbeat.refresh_from_db()
    return heartbeat


# --- transitions -----------------------------------------------------------------------------------


def _channels(heartbeat: Heartbeat) -> list[int]:
    return list(heartbeat.notifications.values_list("id", flat=True))


def _emit(heartbeat: Heartbeat, name: str, payload: dict, channels: list[int]) -> None:
    emit(
        heartbeat.organization_id,
        name,
        payload,
        subject_type="heartbeat",
        subject_id=heartbeat.pk,
        channel_ids=channels,
    )


def _went_down(heartbeat: Heartbeat, error: str, now: datetime) -> None:
    parent_down = heartbeat.depends_on.filter(status=MonitorStatus.DOWN).exists()
    cause = IncidentCause.DEPENDENCY_DOWN if parent_down else IncidentCause.FAILURE
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                organization_id=heartbeat.organization_id,
                source_type=IncidentSource.HEARTBEAT,
                heartbeat=heartbeat,
                cause=cause,
                started_at=now,
                error_message=error[:500],
            )
    except IntegrityError:  # already open
        return
    payload = {"heartbeat": heartbeat.payload(), "incident": incident_payload(incident)}
    channels = [] if parent_down else _channels(heartbeat)
    _emit(heartbeat, "heartbeat.down", payload, channels)
    _emit(heartbeat, "incident.created", payload, [])


def _went_up(heartbeat: Heartbeat, now: datetime) -> None:
    incident = Incident.objects.filter(heartbeat=heartbeat, status=IncidentStatus.OPEN).first()
    if incident is None:
        return
    Incident.objects.filter(pk=incident.pk, status=IncidentStatus.OPEN).update(
        status=IncidentStatus.RESOLVED, resolved_at=now
    )
    incident.refresh_from_db()
    channels = [] if incident.cause == IncidentCause.DEPENDENCY_DOWN else _channels(heartbeat)
    payload = {"heartbeat": heartbeat.payload(), "incident": incident_payload(incident)}
    _emit(heartbeat, "heartbeat.up", payload, channels)
    _emit(heartbeat, "incident.resolved", payload, [])


# --- pings -----------------------------------------------------------------------------------------


@dataclass
class PingIn:
    """A ping as the ping path parsed it, before it is stored."""

    token: str
    kind: str
    received_at: datetime
    exit_status: int | None = None
    rid: uuid.UUID | None = None
    method: str = "GET"
    remote_addr: str = ""
    user_agent: str = ""
    body: str = ""


def _apply(heartbeat: Any, ping: PingIn, starts: dict[tuple[int, uuid.UUID], datetime]) -> tuple:
    """Apply one ping to the heartbeat in memory; returns (duration, transition) where transition is
    ("down", error) or ("up", None) or None."""
    if ping.kind == PingKind.LOG or heartbeat.is_paused:
        return None, None  # recorded only
    now = ping.received_at
    if ping.kind == PingKind.START:
        heartbeat.last_start_at = now
        if ping.rid:
            starts[(heartbeat.pk, ping.rid)] = now
        if heartbeat.status != HeartbeatStatus.DOWN:
            heartbeat.status = HeartbeatStatus.STARTED
            heartbeat.late_at = heartbeat.down_at = now + timedelta(seconds=heartbeat.grace_period)
        return None, None
    started = starts.pop((heartbeat.pk, ping.rid), None) if ping.rid else heartbeat.last_start_at
    duration = (now - started).total_seconds() if started and started <= now else None
    if duration is not None:
        heartbeat.last_duration = duration
    if not ping.rid:
        heartbeat.last_start_at = None
    heartbeat.last_ping_at = now
    _expect(heartbeat, now)
    old = heartbeat.status
    if ping.kind == PingKind.FAIL:
        heartbeat.status = HeartbeatStatus.DOWN
        if old == HeartbeatStatus.DOWN:
            return duration, None
        shown = f"exit status {ping.exit_status}" if ping.exit_status is not None else "a failure signal"
        return duration, ("down", f"The job reported {shown}.")
    heartbeat.status = HeartbeatStatus.UP
    return duration, ("up", None) if old == HeartbeatStatus.DOWN else None


def heartbeat_pings_ingest(pings: list[PingIn]) -> list[bool]:
    """Store a batch of pings and apply them in one transaction (the group commit of the ping path).
    Returns, per ping, whether its token named a heartbeat. Raises if the database fails: then nothing of
    the batch is stored and every ping is answered 503."""
    with transaction.atomic():
        found: dict[str, Any] = {h.token: h for h in heartbeats_lock({p.token for p in pings})}
        rids = {p.rid for p in pings if p.rid and p.kind != PingKind.START and p.token in found}
        starts: dict[tuple[int, uuid.UUID], datetime] = {}
        if rids:
            earlier = HeartbeatPing.objects.filter(
                heartbeat_id__in=[h.pk for h in found.values()], rid__in=rids, kind=PingKind.START
            ).values_list("heartbeat_id", "rid", "received_at")
            starts = {(pk, rid): at for pk, rid, at in earlier if rid is not None}
        rows, touched, transitions = [], {}, []
        for ping in pings:
            heartbeat = found.get(ping.token)
            if heartbeat is None:
                continue
            duration, transition = _apply(heartbeat, ping, starts)
            touched[heartbeat.pk] = heartbeat
            if transition:
                transitions.append((heartbeat, transition, ping.received_at))
            rows.append(
                (
                    heartbeat.pk,
                    ping.received_at,
                    ping.kind,
                    ping.exit_status,
                    ping.rid,
                    duration,
                    ping.method,
                    ping.remote_addr[:64],
                    ping.user_agent[:300],
                    ping.body,
                )
            )
        pings_insert(rows)
        heartbeats_write_state(list(touched.values()))
        for state, (direction, error), at in transitions:  # rare: the full model is loaded for these
            model = Heartbeat.objects.get(pk=state.pk)
            if direction == "down":
                _went_down(model, error, at)
            else:
                _went_up(model, at)
    return [p.token in found for p in pings]


# --- evaluation ------------------------------------------------------------------------------------


def heartbeats_evaluate_due(*, now: datetime | None = None) -> dict[str, int]:
    """Beat, every few seconds: up heartbeats past ``late_at`` turn late (one UPDATE); any past
    ``down_at`` turn down, each with a compare-and-swap, an incident and ``heartbeat.down``."""
    now = now or timezone.now()
    late = Heartbeat.objects.filter(status=HeartbeatStatus.UP, late_at__lte=now, down_at__gt=now).update(
        status=HeartbeatStatus.LATE
    )
    due = Heartbeat.objects.filter(
        status__in=[HeartbeatStatus.UP, HeartbeatStatus.STARTED, HeartbeatStatus.LATE], down_at__lte=now
    ).order_by("down_at")[:1000]
    down = 0
    for heartbeat in due:
        with transaction.atomic():
            swapped = Heartbeat.objects.filter(
                pk=heartbeat.pk, status=heartbeat.status, down_at=heartbeat.down_at
            ).update(status=HeartbeatStatus.DOWN)
            if not swapped:
                continue  # a ping moved it meanwhile
            was_running = heartbeat.status == HeartbeatStatus.STARTED
            heartbeat.status = HeartbeatStatus.DOWN
            error = (
                "Started but did not finish within its grace period."
                if was_running
                else f"No ping since {heartbeat.last_ping_at:%Y-%m-%d %H:%M:%S} UTC."
                if heartbeat.last_ping_at
                else "No ping."
            )
            _went_down(heartbeat, error, now)
            down += 1
    return {"late": late, "down": down}
