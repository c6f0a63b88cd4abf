from django.contrib.auth import views as auth_views
from django.urls import path

from monitoring_site.dashboard import views
from monitoring_site.dashboard.forms import RateLimitedAuthenticationForm

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overview/panel", views.overview_panel, name="overview-panel"),
    path(
        "login",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=RateLimitedAuthenticationForm
        ),
        name="login",
    ),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("organization", views.switch_organization, name="switch-organization"),
    path("settings/api-keys", views.api_keys, name="api-keys"),
    path("settings/api-keys/<int:key_id>/revoke", views.api_key_revoke, name="api-key-revoke"),
    path("settings/members", views.members, name="members"),
    path("settings/display", views.display_settings, name="display"),
    path("settings/members/<int:user_id>", views.member_update, name="member-update"),
    path("invitations/<int:invitation_id>", views.invitation_answer, name="invitation-answer"),
    path(
        "settings/invitations/<int:invitation_id>/withdraw",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
]
