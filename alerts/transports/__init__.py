"""Notification transports, one module per kind, picked through ``TRANSPORTS``."""

from alerts.choices import ChannelKind
from alerts.transports.apprise_kind import apprise_transport
from alerts.transports.base import Notification, Transport, TransportError
from alerts.transports.email import email
from alerts.transports.http_kinds import slack, webhook

TRANSPORTS: dict[str, Transport] = {
    ChannelKind.EMAIL: email,
    ChannelKind.WEBHOOK: webhook,
    ChannelKind.SLACK: slack,
    ChannelKind.APPRISE: apprise_transport,
}

__all__ = ["TRANSPORTS", "Notification", "Transport", "TransportError"]
