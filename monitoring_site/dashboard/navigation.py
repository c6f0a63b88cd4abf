"""The dashboard's navigation. A section whose pages are not built yet has no ``url_name`` and shows as
"soon" (never as a dead link); each domain's issue fills its entry in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None
    section: str


NAVIGATION: list[NavItem] = [
    NavItem("Overview", "dashboard:overview", "overview"),
    NavItem("Monitors", "monitors:list", "monitors"),
    NavItem("Heartbeats", "monitors:heartbeats", "heartbeats"),
    NavItem("Incidents", "monitors:incidents", "incidents"),
    NavItem("Status pages", "monitors:status-pages", "status_pages"),
    NavItem("Alerts", "alerts:list", "alerts"),
    NavItem("Jobs", "jobs:overview", "jobs"),
    NavItem("Agents", "agents:fleet", "agents"),
    NavItem("Logs", "agents:logs", "logs"),
    NavItem("Settings", "dashboard:api-keys", "settings"),
]
