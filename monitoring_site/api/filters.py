"""Filter pieces every domain's FilterSet shares."""

from __future__ import annotations

from datetime import UTC, datetime, time

import django_filters
from django import forms
from django.utils.dateparse import parse_date, parse_datetime


class DateOrDateTimeField(forms.Field):
    """Accepts ``2024-01-01`` (midnight UTC) or a full ISO-8601 timestamp (UTC when no offset)."""

    default_error_messages = {"invalid": "Enter a date (YYYY-MM-DD) or an ISO-8601 date-time."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(" ", "+")  # a '+' offset arrives as a space in query strings
        try:
            parsed = parse_datetime(text)
            if parsed is None:
                day = parse_date(text)
                parsed = datetime.combine(day, time.min) if day else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField
