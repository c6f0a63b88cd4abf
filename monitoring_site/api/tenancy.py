"""Which organization a request acts in, and with which role (DESIGN section 5, "Auth")."""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError

from monitoring_site.accounts.models import ApiKey
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.selectors import tenant_for_api_key, tenant_for_user

ORGANIZATION_HEADER = "X-Organization"


def request_tenant(request) -> Tenant:
    """The caller's tenant: an API key's organization, or for a JWT user the organization named by the
    ``X-Organization`` header (default: their first). Cached on the request."""
    cached = getattr(request, "_tenant", None)
    if cached is not None:
        return cached
    if isinstance(request.auth, ApiKey):
        tenant = tenant_for_api_key(request.auth)
    elif request.user is not None and request.user.is_authenticated:
        raw = request.headers.get(ORGANIZATION_HEADER, "").strip()
        organization_id = None
        if raw:
            if not raw.isdigit():
                raise ValidationError({ORGANIZATION_HEADER: [f"'{raw}' is not an organization id."]})
            organization_id = int(raw)
        found = tenant_for_user(request.user, organization_id)
        if found is None:
            if organization_id is None:
                raise PermissionDenied(
                    "You belong to no organization yet; create one with POST /organizations."
                )
            raise PermissionDenied(f"You are not a member of organization {organization_id}.")
        tenant = found
    else:
        raise NotAuthenticated("Authentication credentials were not provided.")
    request._tenant = tenant
    return tenant


def tenant_in_organization(request, organization_id: int) -> Tenant:
    """The caller's tenant in the organization a URL names (``/organizations/{id}/...``): 404 when the caller
    is not a member of it (or, for an API key, when it is not the key's organization)."""
    if isinstance(request.auth, ApiKey):
        if request.auth.organization_id != organization_id:
            raise Http404
        return tenant_for_api_key(request.auth)
    tenant = tenant_for_user(request.user, organization_id)
    if tenant is None:
        raise Http404
    return tenant


class PathOrganizationMixin:
    """For views under ``/organizations/{id}``: the tenant is that organization, not the header's."""

    organization_url_kwarg = "organization_pk"
    kwargs: dict

    def check_permissions(self, request):
        if request.user is not None and request.user.is_authenticated:
            request._tenant = tenant_in_organization(request, int(self.kwargs[self.organization_url_kwarg]))
        super().check_permissions(request)  # type: ignore[misc]
