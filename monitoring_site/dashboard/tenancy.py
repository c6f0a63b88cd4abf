"""The organization a dashboard page acts in (the session's choice, else the user's first)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
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


def tenant_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A dashboard page of one organization: log-in required, the page's tenant passed as ``tenant``, and
    the "no organization" page for a user who belongs to none."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tenant = page_tenant(request)
        if tenant is None:
            return no_organization(request)
        return view(request, *args, tenant=tenant, **kwargs)

    return wrapper
