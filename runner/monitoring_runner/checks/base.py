from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class CheckOutcome:
    """What one check found."""

    ok: bool
    response_time_ms: float | None = None
    status_code: int | None = None
    error: str = ""
    cert_days_left: int | None = None
    started_at: datetime | None = None  # when the check really began (set by check_many)

    @classmethod
    def failed(cls, error: str, **extra) -> CheckOutcome:
        return cls(ok=False, error=error[:500], **extra)
