"""The organization a dashboard page acts in (the session's choice, else the user's first)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitoring_site.accounts.principal import Tenant
from monitoring_site.realtime.auth import tenant_for_session_user


def page_tenant(request: HttpRequest) -> Tenant | None:
    """The tenant of this page request, kept on the request for the navigation context processor."""
    tenant = tenant_for_session_user(request.user, request.session)
    request.tenant = tenant  # type: ignore[attr-defined]
    return tenant


def no_organization(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/no_organization.html", status=403)
