"""``{{ value|when }}``: a moment as the dashboard shows it everywhere: ``<time>`` with the exact UTC time as
text (labelled, so it is never mistaken for local time), which ``static/monitoring_site/times.js`` turns
into "3 min ago" with the exact time in the viewer's zone on hover. Empty for None, so
``{{ value|when|default:"never" }}`` works."""

from __future__ import annotations

from datetime import UTC, datetime

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
