"""Models of the alerts domain: notification channels, outgoing webhooks, and the event outbox with one
delivery row per (event, recipient)."""

from alerts.models.channels import NotificationChannel
from alerts.models.events import Delivery, DeliveryAttempt, Event
from alerts.models.maintenance import MaintenanceWindow
from alerts.models.rules import Alert, AlertRule
from alerts.models.webhooks import Webhook

__all__ = [
    "Alert",
    "AlertRule",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "MaintenanceWindow",
    "NotificationChannel",
    "Webhook",
]
