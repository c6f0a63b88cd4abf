"""Maintenance windows: validated on the way in, consulted by the fan-out (``selectors``)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from alerts.inputs import MaintenanceChanges, NewMaintenance
from alerts.models import MaintenanceWindow
from monitoring_site.accounts.models import Organization
from monitoring_site.errors import RuleViolation

SUBJECT_TYPES = {
    "monitor",
    "heartbeat",
    "agent",
    "alert_rule",
    "status_page",
}  # by id; and {"type": "tag", "name"}


def _subject_ok(subject: Any) -> bool:
    if not isinstance(subject, dict):
        return False
    if subject.get("type") == "tag":
        name = subject.get("name")
        return set(subject) == {"type", "name"} and isinstance(name, str) and 0 < len(name) <= 100
    return (
        subject.get("type") in SUBJECT_TYPES
        and isinstance(subject.get("id"), int)
        and not isinstance(subject.get("id"), bool)
        and set(subject) == {"type", "id"}
    )


def _clean(data: dict[str, Any], current: MaintenanceWindow | None = None) -> dict[str, Any]:
    merged = {
        **(
            {}
            if current is None
            else {
                "starts_at": current.starts_at,
                "ends_at": current.ends_at,
                "cron": current.cron,
                "timezone": current.timezone,
                "duration_minutes": current.duration_minutes,
                "applies_to_all": current.applies_to_all,
                "subjects": current.subjects,
            }
        ),
        **data,
    }
    errors: dict[str, list[str]] = {}
    if merged.get("cron"):
        if not croniter.is_valid(merged["cron"]):
            errors["cron"] = ["Not a valid cron expression (five fields: minute hour day month weekday)."]
        if not merged.get("duration_minutes"):
            errors["duration_minutes"] = ["A recurring window needs its length in minutes."]
    elif not (merged.get("starts_at") and merged.get("ends_at")):
        errors["starts_at"] = ["Give starts_at and ends_at, or a cron expression with duration_minutes."]
    if merged.get("starts_at") and merged.get("ends_at") and merged["ends_at"] <= merged["starts_at"]:
        errors["ends_at"] = ["Must be after starts_at."]
    try:
        ZoneInfo(str(merged.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [f"Unknown time zone '{merged.get('timezone')}'."]
    subjects = merged.get("subjects") or []
    if not isinstance(subjects, list) or not all(_subject_ok(s) for s in subjects):
        errors["subjects"] = [
            f'A list of {{"type", "id"}} with type in {", ".join(sorted(SUBJECT_TYPES))}, '
            'or {"type": "tag", "name"} (the monitors and heartbeats carrying that tag).'
        ]
    elif not merged.get("applies_to_all", True) and not subjects:
        errors["subjects"] = ["Name the subjects, or set applies_to_all."]
    if errors:
        raise RuleViolation("The maintenance window is invalid.", details=errors)
    return data


def maintenance_create(*, organization: Organization, new: NewMaintenance) -> MaintenanceWindow:
    """Create a maintenance window, its schedule and subjects checked."""
    return MaintenanceWindow.objects.create(organization=organization, **_clean(new.given()))


def maintenance_update(*, window: MaintenanceWindow, changes: MaintenanceChanges) -> MaintenanceWindow:
    """Change the fields ``changes`` gives, checked against the window as it is."""
    for name, value in _clean(changes.given(), window).items():
        setattr(window, name, value)
    window.save()
    return window
