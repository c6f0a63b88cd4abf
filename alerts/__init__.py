"""Notification channels, alert rules, the alert lifecycle, webhooks and maintenance windows."""
