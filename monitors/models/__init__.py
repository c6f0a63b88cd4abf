"""Models of the monitors domain: monitors, their check results, rollups, status changes, heartbeats and
their pings, and incidents."""

from monitors.models.heartbeats import Heartbeat, HeartbeatPing
from monitors.models.incidents import Incident, StatusChange
from monitors.models.locations import LOCAL, MonitorLocation
from monitors.models.monitor import Monitor
from monitors.models.results import CheckResult, HostStat
from monitors.models.rollups import CheckRollup, RollupCursor
from monitors.models.status_pages import StatusPage, StatusPageComponent, StatusPageUpdate

__all__ = [
    "LOCAL",
    "CheckResult",
    "CheckRollup",
    "Heartbeat",
    "HeartbeatPing",
    "HostStat",
    "Incident",
    "Monitor",
    "MonitorLocation",
    "RollupCursor",
    "StatusChange",
    "StatusPage",
    "StatusPageComponent",
    "StatusPageUpdate",
]
