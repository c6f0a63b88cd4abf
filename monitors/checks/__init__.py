"""The checks the platform runs are the runner package's (``monitoring_runner.checks``), so that a probe at
another location runs exactly the same code; a ``Monitor`` is a ``CheckSpec`` by its attributes."""

from monitoring_runner.checks import CHECKERS, SPEC_FIELDS, CheckOutcome, CheckSpec, check_many
from monitoring_runner.checks.expectations import expectation_error

__all__ = ["CHECKERS", "SPEC_FIELDS", "CheckOutcome", "CheckSpec", "check_many", "expectation_error"]
