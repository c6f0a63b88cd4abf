from django.db import models


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook (JSON POST)"
    SLACK = "slack", "Slack incoming webhook"
    APPRISE = "apprise", "Apprise URL (100+ services)"


class TargetType(models.TextChoices):
    CHANNEL = "channel", "Notification channel"
    WEBHOOK = "webhook", "Outgoing webhook"
    EMAIL = "email", "Email recipient (an alert rule's recipients)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its (next) attempt
    SENDING = "sending", "Sending"  # claimed by a worker under a lease
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"  # permanent error, or retries exhausted
    SUPPRESSED = "suppressed", "Suppressed"  # recorded during a maintenance window, not sent
    SKIPPED = "skipped", "Skipped"  # the target was disabled when its turn came


class Operator(models.TextChoices):
    GT = "gt", ">"
    GTE = "gte", ">="
    LT = "lt", "<"
    LTE = "lte", "<="
    EQ = "eq", "="
    NE = "ne", "!="


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"


class AlertStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


OPEN_ALERT_STATUSES = (AlertStatus.ACTIVE, AlertStatus.ACKNOWLEDGED)
