"""Status pages: creating and changing them (each incident-status or message change is kept as an update
and published as ``status_page.updated``), and what their public page shows."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from alerts.selectors import maintenance_in_effect
from monitoring_site.accounts.models import Organization
from monitoring_site.errors import RuleViolation
from monitoring_site.events import emit
from monitoring_site.time_buckets import floor_to
from monitors.inputs import NewStatusPage, StatusPageChanges
from monitors.models import (
    Heartbeat,
    Monitor,
    MonitorLocation,
    StatusPage,
    StatusPageComponent,
    StatusPageUpdate,
)
from monitors.rollup_selectors import monitors_series
from monitors.selectors import display_status

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
LOGO_MAX_BYTES = 256 * 1024
LOGO = re.compile(r"^data:(?P<type>[a-z+/]+);base64,(?P<data>[A-Za-z0-9+/]*={0,2})$")
INCIDENT_FIELDS = ("incident_status", "incident_message")


def _clean(organization: Organization, data: dict[str, Any], current: StatusPage | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    slug = data.get("slug")
    if slug is not None:
        if not SLUG.match(slug):
            errors["slug"] = ["Lower-case letters, digits and inner hyphens, up to 100 characters."]
        elif StatusPage.objects.filter(slug=slug).exclude(pk=current.pk if current else 0).exists():
            errors["slug"] = ["This address is taken."]
    logo = data.get("logo")
    if logo:
        problem = _logo_problem(logo)
        if problem:
            errors["logo"] = [problem]
    components = data.get("components")
    if components is not None:
        monitor_ids = {c["monitor_id"] for c in components if c.get("monitor_id")}
        heartbeat_ids = {c["heartbeat_id"] for c in components if c.get("heartbeat_id")}
        if any(bool(c.get("monitor_id")) == bool(c.get("heartbeat_id")) for c in components):
            errors["components"] = ["Each component names one monitor_id or one heartbeat_id."]
        else:
            found_m = set(
                Monitor.objects.filter(organization=organization, pk__in=monitor_ids).values_list(
                    "pk", flat=True
                )
            )
            found_h = set(
                Heartbeat.objects.filter(organization=organization, pk__in=heartbeat_ids).values_list(
                    "pk", flat=True
                )
            )
            missing = [f"monitor {pk}" for pk in sorted(monitor_ids - found_m)]
            missing += [f"heartbeat {pk}" for pk in sorted(heartbeat_ids - found_h)]
            if missing:
                errors["components"] = [f"Not found here: {', '.join(missing)}."]
    if errors:
        raise RuleViolation("The status page is invalid.", details=errors)
    return data


def _logo_problem(logo: str) -> str | None:
    """A logo is a data: URI of a PNG, JPEG, GIF, WebP or SVG image of 256 kB at most (it is shown by
    ``<img>``, where an SVG's scripts never run)."""
    found = LOGO.match(logo)
    if found is None or found["type"] not in LOGO_TYPES:
        return "A data: URI of a PNG, JPEG, GIF, WebP or SVG image (data:image/png;base64,...)."
    if len(found["data"]) * 3 // 4 > LOGO_MAX_BYTES:
        return "256 kB at most."
    return None


def _payload(page: StatusPage) -> dict:
    return {
        "status_page": {
            "id": page.pk,
            "name": page.name,
            "slug": page.slug,
            "incident_status": page.incident_status,
            "incident_message": page.incident_message,
        }
    }


def _store(page: StatusPage, data: dict[str, Any], by: str) -> StatusPage:
    components = data.pop("components", None)
    before = (page.incident_status, page.incident_message) if page.pk else ("none", "")
    for name, value in data.items():
        setattr(page, name, value)
    page.save()
    if components is not None:
        page.components.all().delete()
        StatusPageComponent.objects.bulk_create(
            StatusPageComponent(
                page=page,
                position=position,
                group=c.get("group", ""),
                name=c.get("name", ""),
                monitor_id=c.get("monitor_id"),
                heartbeat_id=c.get("heartbeat_id"),
            )
            for position, c in enumerate(components)
        )
    if (page.incident_status, page.incident_message) != before:
        StatusPageUpdate.objects.create(
            page=page, incident_status=page.incident_status, message=page.incident_message, author=by
        )
    emit(
        page.organization_id,
        "status_page.updated",
        _payload(page),
        subject_type="status_page",
        subject_id=page.pk,
    )
    page._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # components and updates changed
    return page


@transaction.atomic
def status_page_create(*, organization: Organization, new: NewStatusPage, by: str = "") -> StatusPage:
    """Create a status page with its components, checked (its monitors and heartbeats must be the
    organization's)."""
    return _store(StatusPage(organization=organization), _clean(organization, new.given(), None), by)


@transaction.atomic
def status_page_update(*, page: StatusPage, changes: StatusPageChanges, by: str = "") -> StatusPage:
    """Change the page's fields and, when given, its components; ``by`` signs an incident update."""
    return _store(page, _clean(page.organization, changes.given(), page), by)


def status_page_delete(*, page: StatusPage) -> None:
    """Delete the page with its components and updates; its public address answers 404 from now on."""
    page.delete()


# --- the public page ---------------------------------------------------------------------------------

OVERALL = {
    "operational": "All systems operational",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "maintenance": "Under maintenance",
    "unknown": "No data yet",
}
BAR_DAYS = 90


def _regions(page: StatusPage, monitors: list[Monitor], now) -> dict[int, list[dict[str, str]]]:
    """Per monitor of several locations, each location's state, when the page shows them (one query)."""
    several = {m.pk: m for m in monitors if m.is_multi_location}
    if not page.show_locations or not several:
        return {}
    rows = MonitorLocation.objects.filter(monitor_id__in=several).values_list(
        "monitor_id", "location", "status"
    )
    seen: dict[int, dict[str, str]] = {}
    for monitor_id, location, status in rows:
        seen.setdefault(monitor_id, {})[location] = status
    return {
        pk: [{"location": name, "status": seen.get(pk, {}).get(name, "pending")} for name in m.locations]
        for pk, m in several.items()
    }


def status_page_view(page: StatusPage) -> dict[str, Any]:
    """Everything the public page and its JSON show: overall state, groups of components with their
    state and 90 daily uptime figures (monitors), the current incident and its update history."""
    now = timezone.now()
    components = list(page.components.select_related("monitor", "heartbeat"))
    windows = maintenance_in_effect(page.organization_id, now)
    monitor_ids = [c.monitor_id for c in components if c.monitor_id is not None]
    series = monitors_series(monitor_ids, "90d", "day", now=now) if monitor_ids else {}
    first_day = floor_to(now, timedelta(days=1)) - timedelta(days=BAR_DAYS - 1)
    groups: dict[str, list[dict]] = {}
    states = []
    regions = _regions(page, [c.monitor for c in components if c.monitor is not None], now)
    for component in components:
        if component.monitor is not None:
            state = display_status(component.monitor, windows)
            by_day = {day: totals.uptime for day, totals in series.get(component.monitor.pk, [])}
            days = [by_day.get(first_day + timedelta(days=i)) for i in range(BAR_DAYS)]
            known = [d for d in days if d is not None]
            uptime = round(sum(known) / len(known), 3) if known else None
        else:
            assert component.heartbeat is not None
            state, days, uptime = component.heartbeat.status, [], None
        states.append(state)
        groups.setdefault(component.group, []).append(
            {
                "name": component.shown_name,
                "type": "monitor" if component.monitor_id else "heartbeat",
                "status": state,
                "uptime_90d": uptime,
                "days": days,
                "locations": regions.get(component.monitor_id or 0, []),
            }
        )
    down = sum(s == "down" for s in states)
    if not states or all(s in ("pending", "new") for s in states):
        overall = "unknown"
    elif down and down == len(states):
        overall = "major_outage"
    elif down:
        overall = "partial_outage"
    elif "maintenance" in states:
        overall = "maintenance"
    else:
        overall = "operational"
    return {
        "name": page.name,
        "slug": page.slug,
        "description": page.description,
        "logo": page.logo or None,
        "overall": overall,
        "overall_text": OVERALL[overall],
        "first_day": first_day.date().isoformat(),
        "groups": [{"name": name, "components": items} for name, items in groups.items()],
        "incident": {"status": page.incident_status, "message": page.incident_message},
        "updates": [
            {"status": u.incident_status, "message": u.message, "at": u.created_at.isoformat()}
            for u in page.updates.all()[:50]
        ],
    }
