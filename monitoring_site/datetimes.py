"""Reading the date-times that clients send."""

from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime


def parse_timestamp(value: object) -> datetime | None:
    """An ISO-8601 date-time from ``value``, or None when it is not one: Django's ``parse_datetime``
    raises for text that is well formed but no real time (``12:99``, month 13) and returns None for the
    rest; both are a client's error, never a server's."""
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except (ValueError, OverflowError):
        return None
