"""Public badges: ``/badge/{badge_key}.svg`` and ``.json`` (Shields' endpoint format) for a monitor, a
heartbeat, or every monitor and heartbeat of an organization carrying a tag (``{organization's badge
key}.{tag}``). ``?type=status`` (default) or ``?type=uptime&period=24h|7d|30d|90d``. An unknown key is a
plain 404: a key reveals nothing but its own badge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import escape

from alerts.selectors import maintenance_in_effect
from monitoring_site.accounts.models import Organization
from monitors.models import Heartbeat, Monitor
from monitors.rollup_selectors import PERIODS, monitor_period_totals
from monitors.selectors import display_status

COLORS = {"good": "#4c1", "ok": "#97ca00", "warn": "#dfb317", "late": "#fe7d37", "bad": "#e05d44"}
GREY, BLUE = "#9f9f9f", "#007ec6"
STATUS_COLOR = {
    "up": COLORS["good"],
    "started": COLORS["good"],
    "late": COLORS["late"],
    "down": COLORS["bad"],
    "maintenance": BLUE,
}
# For a tag: the worst status of its members decides.
SEVERITY = ["down", "late", "maintenance", "up", "started", "pending", "new", "paused"]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" '
    'aria-label="{label}: {message}">'
    "<title>{label}: {message}</title>"
    '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
    '<stop offset="1" stop-opacity=".1"/></linearGradient>'
    '<clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>'
    '<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/>'
    '<rect x="{lw}" width="{mw}" height="20" fill="{color}"/>'
    '<rect width="{w}" height="20" fill="url(#s)"/></g>'
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
    '<text x="{lx}" y="14">{label}</text><text x="{mx}" y="14">{message}</text></g></svg>'
)


@dataclass
class Badge:
    label: str
    message: str
    color: str

    def svg(self) -> str:
        label_width, message_width = _width(self.label), _width(self.message)
        return SVG.format(
            w=label_width + message_width,
            lw=label_width,
            mw=message_width,
            lx=label_width / 2,
            mx=label_width + message_width / 2,
            label=escape(self.label),
            message=escape(self.message),
            color=self.color,
        )

    def shields(self) -> dict:
        return {"schemaVersion": 1, "label": self.label, "message": self.message, "color": self.color}


def _width(text: str) -> int:
    return 10 + 7 * len(text)  # Verdana 11 px averages under 7 px a character


def _uptime_badge(label: str, figure: float | None, period: str) -> Badge:
    if figure is None:
        return Badge(f"{label} {period}", "no data", GREY)
    color = (
        COLORS["good"]
        if figure >= 99.9
        else COLORS["ok"]
        if figure >= 99
        else COLORS["warn"]
        if figure >= 95
        else COLORS["bad"]
    )
    return Badge(f"{label} {period}", f"{figure:.2f}%", color)


def _monitor_uptime(monitor: Monitor, period: str) -> float | None:
    if period == "90d":
        return monitor_period_totals(monitor, period, now=timezone.now()).uptime
    return getattr(monitor, f"uptime_{period}")


def _status_badge(label: str, status: str) -> Badge:
    return Badge(label, status, STATUS_COLOR.get(status, GREY))


def badge_for(key: str, kind: str, period: str) -> Badge:
    monitor = Monitor.objects.filter(badge_key=key).first()
    if monitor is not None:
        if kind == "uptime":
            return _uptime_badge(monitor.name, _monitor_uptime(monitor, period), period)
        windows = maintenance_in_effect(monitor.organization_id, timezone.now())
        return _status_badge(monitor.name, display_status(monitor, windows))
    heartbeat = Heartbeat.objects.filter(badge_key=key).first()
    if heartbeat is not None:
        return _status_badge(heartbeat.name, heartbeat.status)  # heartbeats have no uptime: their status
    organization_key, _, tag = key.partition(".")
    organization = Organization.objects.filter(badge_key=organization_key).first() if tag else None
    if organization is None:
        raise Http404("No such badge.")
    tagged = {"organization": organization, "tags__icontains": json.dumps(tag)}
    monitors = [m for m in Monitor.objects.filter(**tagged) if tag in m.tags]
    heartbeats = [h for h in Heartbeat.objects.filter(**tagged) if tag in h.tags]
    if kind == "uptime":
        figures = [f for f in (_monitor_uptime(m, period) for m in monitors) if f is not None]
        return _uptime_badge(tag, sum(figures) / len(figures) if figures else None, period)
    statuses = [m.status for m in monitors] + [h.status for h in heartbeats]
    worst = min(
        statuses, key=lambda s: SEVERITY.index(s) if s in SEVERITY else len(SEVERITY), default="no data"
    )
    return _status_badge(tag, worst)


def badge(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    kind = request.GET.get("type", "status")
    period = request.GET.get("period", "30d")
    if kind not in ("status", "uptime") or period not in PERIODS:
        return HttpResponse("type is status or uptime; period is 24h, 7d, 30d or 90d.\n", status=400)
    found = badge_for(key, kind, period)
    if fmt == "json":
        response = HttpResponse(json.dumps(found.shields()), content_type="application/json")
    else:
        response = HttpResponse(found.svg(), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response
