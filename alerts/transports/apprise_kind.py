"""Apprise: one URL reaches any of 100+ services (Discord, Telegram, Teams, ntfy, PagerDuty, ...).

Only the services whose every connection the private-address policy can police are accepted: Apprise's
plugins that speak HTTP through requests (``POLICED_PLUGINS``), whose connections ``outbound_http``
checks when each socket connects (redirects and DNS answers included). Plugins that open their own sockets
(email over SMTP, MQTT, syslog, XMPP, IRC, SMPP, desktop notifications) are refused: send email through
the email channel, whose SMTP server the operator configures.
"""

from __future__ import annotations

import asyncio
from typing import Any

import apprise

from alerts.transports.base import ConfigField, Notification, Transport, TransportError
from monitoring_site import outbound_http
from monitoring_site.outbound_http import Session

outbound_http.police_urllib3()

# Apprise plugin modules (``apprise.plugins.<name>``) that make HTTP requests with requests only.
POLICED_PLUGINS = frozenset(
    f"apprise.plugins.{name}"
    for name in (
        "apprise_api", "bark", "custom_form", "custom_json", "custom_xml", "discord", "google_chat",
        "gotify", "home_assistant", "ifttt", "lametric", "matrix.base", "mattermost", "ntfy", "opsgenie",
        "pagerduty", "pushbullet", "pushover", "rocketchat", "signal_api", "slack", "telegram",
        "webexteams", "workflows", "zulip",
    )
)  # fmt: skip
SCHEMES_HELP = (
    "json, xml, form, discord, slack, workflow (Teams), tgram, ntfy, gotify, pover, pbul, matrix, mmost, "
    "rocket, zulip, gchat, pagerduty, opsgenie, signal, apprise, hassio, ifttt, lametric, bark, wxteams "
    "(and their secure forms)"
)


def _plugin(url: str):
    """The Apprise plugin for ``url`` when it is one whose connections are policed, else None."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    return plugin if plugin and type(plugin).__module__ in POLICED_PLUGINS else None


class AppriseTransport(Transport):
    def check(self, config: dict[str, Any]) -> dict[str, list[str]]:
        url = config["url"]
        if not apprise.Apprise.instantiate(url, suppress_exceptions=True):
            return {"config.url": ["Apprise does not recognise this URL."]}
        if _plugin(url) is None:
            return {
                "config.url": [f"This Apprise service is not supported here; use one of: {SCHEMES_HELP}."]
            }
        return {}  # where it may connect is checked on every connection, when it sends

    async def send(self, notification: Notification, config: dict[str, Any], http: Session) -> int | None:
        def deliver() -> bool:
            plugin = _plugin(config["url"])
            if plugin is None:
                raise TransportError("This Apprise URL is not supported.", permanent=True)
            outbound_http.last_refusal()  # forget an earlier refusal of this thread
            delivered = bool(plugin.notify(title=notification.title, body=notification.text))
            refusal = outbound_http.last_refusal()
            if refusal is not None and not delivered:
                raise TransportError(str(refusal.strerror), permanent=True)
            return delivered

        if not await asyncio.to_thread(deliver):
            raise TransportError("Apprise could not deliver the notification (see the worker log).")
        return None


apprise_transport = AppriseTransport(
    "apprise",
    "Apprise URL",
    [
        ConfigField(
            "url",
            "Apprise URL",
            "string",
            help=f"e.g. discord://..., tgram://..., json://host/path; supported: {SCHEMES_HELP}",
            secret=True,
        )
    ],
)
