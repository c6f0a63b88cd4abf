"""Active checks, one module per kind; each is an async function of (spec, session) -> CheckOutcome.

The platform's checker and the probes run this same code: it needs the standard library, aiohttp,
dnspython, icmplib and cryptography (the runner's ``probe`` extra), never Django."""

from monitoring_runner.checks.base import CheckOutcome
from monitoring_runner.checks.registry import CHECKERS, check_many
from monitoring_runner.checks.spec import SPEC_FIELDS, CheckSpec

__all__ = ["CHECKERS", "SPEC_FIELDS", "CheckOutcome", "CheckSpec", "check_many"]
