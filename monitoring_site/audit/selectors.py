"""Reading the pause records."""

from __future__ import annotations

from django.db.models import QuerySet

from monitoring_site.audit.models import PauseRecord


def pause_records_of(*, organization_id: int, subject_type: str, subject_id: int) -> QuerySet[PauseRecord]:
    """One object's pauses and resumes, newest first."""
    return PauseRecord.objects.filter(
        organization_id=organization_id, subject_type=subject_type, subject_id=subject_id
    )
