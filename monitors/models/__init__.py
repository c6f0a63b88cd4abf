"""Models of the monitors domain: monitors, their check results, status changes and incidents."""

from monitors.models.incidents import Incident, StatusChange
from monitors.models.monitor import Monitor
from monitors.models.results import CheckResult, HostStat

__all__ = ["CheckResult", "HostStat", "Incident", "Monitor", "StatusChange"]
