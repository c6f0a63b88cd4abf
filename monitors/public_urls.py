"""The public addresses of the monitors domain (ping URLs, badges, status pages), on ``SITE_URL`` when it
is set, else on the host the caller used."""

from __future__ import annotations

from django.conf import settings


def ping_url(request, token: str) -> str:
    """The heartbeat's ping URL: on ``SITE_URL`` when set, else on the host the caller used."""
    return site_url(request, f"/ping/{token}")


def badge_url(request, key: str) -> str:
    return site_url(request, f"/badge/{key}.svg")


def site_url(request, path: str) -> str:
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path) if request is not None else path
