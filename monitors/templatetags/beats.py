"""``{% beat_strip beats %}``: a monitor's last check results as a strip of coloured beats, Uptime Kuma
style, each with its time, latency and error as the tooltip; empty slots on the left until there are
enough results. Built in Python: a page of 50 monitors is 2,500 beats."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from monitors.list_selectors import STRIP, Beat

register = template.Library()


def beat_title(beat: Beat) -> str:
    parts = [beat.checked_at.strftime("%Y-%m-%d %H:%M:%S UTC")]
    if beat.response_time_ms is not None:
        parts.append(f"{beat.response_time_ms:.0f} ms")
    if beat.status_code:
        parts.append(f"HTTP {beat.status_code}")
    parts.append(beat.error if not beat.ok and beat.error else ("up" if beat.ok else "down"))
    return " · ".join(parts)


@register.simple_tag
def beat_strip(beats: list[Beat], size: int = STRIP) -> SafeString:
    shown = beats[-size:]
    empty = mark_safe('<i class="beat empty"></i>' * (size - len(shown)))  # noqa: S308 (a constant)
    filled = format_html_join(
        "",
        '<i class="beat {}" title="{}"></i>',
        (("ok" if beat.ok else "fail", beat_title(beat)) for beat in shown),
    )
    label = f"last {len(shown)} checks: {sum(1 for b in shown if not b.ok)} failed"
    return format_html('<span class="beats" role="img" aria-label="{}">{}{}</span>', label, empty, filled)
