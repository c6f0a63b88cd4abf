"""One way to show a moment: ``|when`` labels UTC and marks it for times.js (relative, viewer's zone)."""

from datetime import UTC, datetime, timedelta, timezone

from django.template import Context, Template


def render(value, arg="") -> str:
    return Template("{{ at|when" + (f':"{arg}"' if arg else "") + '|default:"never" }}').render(
        Context({"at": value})
    )


def test_a_moment_is_labelled_utc_and_marked_for_the_viewers_zone():
    paris = timezone(timedelta(hours=1))
    at = datetime(2026, 12, 1, 18, 39, 5, tzinfo=paris)
    assert render(at) == '<time datetime="2026-12-01T17:39:05Z" data-when>2026-12-01 17:39:05 UTC</time>'
    assert render(at.astimezone(UTC), "minutes").endswith(">2026-12-01 17:39 UTC</time>")
    assert render(None) == "never"
