from __future__ import annotations

import asyncio
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from alerts.transports.base import ConfigField, Notification, Transport, TransportError
from monitoring_site.outbound_http import Session


class EmailTransport(Transport):
    async def send(self, notification: Notification, config: dict[str, Any], http: Session) -> int | None:
        def deliver() -> None:
            send_mail(
                subject=notification.title,
                message=notification.text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=list(config["to"]),
                fail_silently=False,
            )

        try:
            await asyncio.to_thread(deliver)
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(f"recipients refused: {exc.recipients}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        return None


email = EmailTransport(
    "email", "Email", [ConfigField("to", "Recipients", "email_list", help="One or more addresses.")]
)
