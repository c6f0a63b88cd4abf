from django.db import models


class MonitorType(models.TextChoices):
    WEBSITE = "website", "Website (HTTP)"
    KEYWORD = "keyword", "Keyword on a page"
    JSON = "json", "JSON value"
    PORT = "port", "TCP port"
    PING = "ping", "Ping (ICMP)"
    DNS = "dns", "DNS record"
    HOST = "host", "Host stats (pushed)"


class MonitorStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    UP = "up", "Up"
    DOWN = "down", "Down"
    PAUSED = "paused", "Paused"
    MAINTENANCE = "maintenance", "Maintenance"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class IncidentCause(models.TextChoices):
    FAILURE = "failure", "The check failed"
    DEPENDENCY_DOWN = "dependency_down", "A monitor it depends on is down"


class HeartbeatStatus(models.TextChoices):
    NEW = "new", "New (never pinged)"
    UP = "up", "Up"
    STARTED = "started", "Running (started)"
    LATE = "late", "Late (in its grace period)"
    DOWN = "down", "Down"
    PAUSED = "paused", "Paused"


class PingKind(models.TextChoices):
    SUCCESS = "success", "Success"
    START = "start", "Start"
    FAIL = "fail", "Failure"
    LOG = "log", "Log (recorded only)"


class IncidentSource(models.TextChoices):
    MONITOR = "monitor", "Monitor"
    HEARTBEAT = "heartbeat", "Heartbeat"


class PageIncidentStatus(models.TextChoices):
    NONE = "none", "No incident"
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"
