"""The organization a dashboard page acts in (the session's choice, else the user's first)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitoring_site.accounts.choices import role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.selectors import invitations_for
from monitoring_site.realtime.auth import tenant_for_session_user


def page_tenant(request: HttpRequest) -> Tenant | None:
    """The tenant of this page request, kept on the request for the navigation context processor."""
    tenant = tenant_for_session_user(request.user, request.session)
    request.tenant = tenant  # type: ignore[attr-defined]
    return tenant


def no_organization(request: HttpRequest) -> HttpResponse:
    context = {"my_invitations": invitations_for(request.user)}
    return render(request, "dashboard/no_organization.html", context, status=403)


def tenant_page(view: Callable[..., HttpResponse] | None = None, *, min_role: str | None = None) -> Any:
    """A dashboard page of one organization: log-in required, the page's tenant passed as ``tenant``, and
    the "no organization" page for a user who belongs to none, and a 403 page naming the role needed for
    one whose role is under ``min_role``.
    Use as ``@tenant_page`` or ``@tenant_page(min_role=Role.MEMBER)``."""

    def decorate(page: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(page)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            tenant = page_tenant(request)
            if tenant is None:
                return no_organization(request)
            if min_role and not role_at_least(tenant.role, min_role):
                context = {"tenant": tenant, "needed": min_role}
                return render(request, "dashboard/role_too_low.html", context, status=403)
            return page(request, *args, tenant=tenant, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
