from typing import Any

from monitoring_site.accounts.selectors import memberships_of
from monitoring_site.dashboard.navigation import NAVIGATION
from monitoring_site.realtime.auth import tenant_for_session_user


def navigation(request):
    """Navigation, the current organization and the organization switcher for every dashboard page."""
    context: dict[str, Any] = {"navigation": NAVIGATION}
    if request.user.is_authenticated and not request.path.startswith(("/admin", "/api")):
        tenant = getattr(request, "tenant", None) or tenant_for_session_user(request.user, request.session)
        context.update(tenant=tenant, memberships=memberships_of(request.user))
    return context
