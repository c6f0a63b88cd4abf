"""Active checks, one module per kind; each is an async function of (monitor, session) -> Outcome."""

from monitors.checks.base import Outcome
from monitors.checks.registry import CHECKERS, check_many

__all__ = ["CHECKERS", "Outcome", "check_many"]
