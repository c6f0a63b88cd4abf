"""``{{ value|when }}``: a moment as the dashboard shows it everywhere: ``<time>`` with the exact UTC time as
text (labelled, so it is never mistaken for local time), which ``static/monitoring_site/times.js`` turns
into "3 min ago" with the exact time in the viewer's zone on hover. Empty for None, so
``{{ value|when|default:"never" }}`` works."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value: datetime | None, precision: str = "seconds") -> str:
    if not isinstance(value, datetime):
        return ""
    moment = value.astimezone(UTC)
    shown = moment.strftime("%Y-%m-%d %H:%M" if precision == "minutes" else "%Y-%m-%d %H:%M:%S")
    return format_html(
        '<time datetime="{}" data-when>{} UTC</time>', moment.isoformat().replace("+00:00", "Z"), shown
    )


UNITS = (("day", 86400), ("h", 3600), ("min", 60), ("s", 1))


@register.filter
def span(value: timedelta | float | int | None) -> str:
    """A duration as people say it: ``1 day``, ``3 days 4 h``, ``2 h 5 min``, ``45 s`` (the two largest
    units; seconds only under an hour). Takes a timedelta or seconds; empty for None."""
    if value is None or value == "":
        return ""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else float(value))
    if seconds < 1:
        return "0 s"
    parts: list[str] = []
    for name, size in UNITS:
        count, seconds = divmod(seconds, size)
        if count and not (name == "s" and parts and parts[0].endswith(("day", "days", "h"))):
            parts.append(f"{count} {name}{'s' if name == 'day' and count > 1 else ''}")
        if len(parts) == 2:
            break
    return " ".join(parts)
