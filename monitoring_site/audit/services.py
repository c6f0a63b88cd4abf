"""Recording pauses and resumes, the same way for every kind of object."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Model
from django.utils import timezone

from monitoring_site.audit.models import PauseRecord

SUBJECT_TYPES = {"Monitor": "monitor", "Heartbeat": "heartbeat", "AlertRule": "alert_rule", "Agent": "agent"}


def pause_record(*, subject: Model, action: str, by: str = "", at: datetime | None = None) -> PauseRecord:
    """Record that ``by`` paused or resumed ``subject`` (in the caller's transaction: a change that
    rolls back leaves no record)."""
    return PauseRecord.objects.create(
        organization_id=getattr(subject, "organization_id"),  # noqa: B009 - every audited model has one
        subject_type=SUBJECT_TYPES[type(subject).__name__],
        subject_id=subject.pk,
        action=action,
        actor=by[:200],
        at=at or timezone.now(),
    )
