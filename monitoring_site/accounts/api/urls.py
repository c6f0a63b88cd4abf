from django.urls import path

from monitoring_site.accounts.api import auth_views
from monitoring_site.accounts.api.views import (
    ApiKeyViewSet,
    InvitationAnswerView,
    MemberViewSet,
    MyInvitationsView,
    OrganizationInvitationViewSet,
    OrganizationViewSet,
    ProjectViewSet,
)
from monitoring_site.api.routers import ApiRouter

router = ApiRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register(r"organizations/(?P<organization_pk>\d+)/members", MemberViewSet, basename="member")
router.register(
    r"organizations/(?P<organization_pk>\d+)/invitations",
    OrganizationInvitationViewSet,
    basename="invitation",
)
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("projects", ProjectViewSet, basename="project")

urlpatterns = [
    path("auth/login", auth_views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", auth_views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", auth_views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", auth_views.MeView.as_view(), name="auth-me"),
    path("invitations", MyInvitationsView.as_view(), name="my-invitations"),
    path("invitations/<int:invitation_id>/accept", InvitationAnswerView.as_view(answer="accept")),
    path("invitations/<int:invitation_id>/decline", InvitationAnswerView.as_view(answer="decline")),
    *router.urls,
]
