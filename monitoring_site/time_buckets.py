"""Time buckets, the one definition every rollup, statistic and series uses: a bucket of ``size`` starts
at a whole multiple of ``size`` since the Unix epoch (UTC), so minutes, hours and days are UTC's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import models

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


class Resolution(models.TextChoices):
    """The rollup levels every rollup table uses (a table keeps the ones it needs)."""

    MINUTE = "minute", "Minute"
    HOUR = "hour", "Hour"
    DAY = "day", "Day"


SIZE: dict[str, timedelta] = {Resolution.MINUTE: MINUTE, Resolution.HOUR: HOUR, Resolution.DAY: DAY}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def floor_to(moment: datetime, size: timedelta) -> datetime:
    """The start of the bucket of ``size`` that ``moment`` (an aware datetime) falls in, in UTC."""
    return _EPOCH + ((moment - _EPOCH) // size) * size


def ceil_to(moment: datetime, size: timedelta) -> datetime:
    """The first bucket start at or after ``moment``."""
    floor = floor_to(moment, size)
    return floor if floor == moment else floor + size
