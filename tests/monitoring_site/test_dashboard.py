"""Server-rendered dashboard pages through Django's test client (the browser test drives a real Chromium)."""

import pytest
from django.test import Client, override_settings

from agents.inputs import NewAgent
from monitoring_site.accounts.models import ApiKey, Invitation, Membership
from monitoring_site.accounts.selectors import api_key_hash
from tests.conftest import PASSWORD


@pytest.fixture
def browser(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def test_pages_need_login(client, db):
    for path in ["/", "/settings/api-keys", "/settings/members"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login")


def test_login_page_and_login(client, owner):
    assert b"Log in" in client.get("/login").content
    response = client.post("/login", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Overview" in page and "Acme" in page


@override_settings(LOGIN_FAILURES_PER_USERNAME=2)
def test_dashboard_login_is_rate_limited(client, owner):
    for _ in range(2):
        client.post("/login", {"username": "alice", "password": "wrong"})
    page = client.post("/login", {"username": "alice", "password": PASSWORD}).content.decode()
    assert "Too many failed logins" in page


@override_settings(LOGIN_FAILURES_PER_USERNAME=2)
def test_admin_login_shares_the_username_lockout(client, owner):
    """Failures at the API login lock the username out of /admin/login/ too, and the other way round."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.post(
        "/api/v1/auth/login", {"username": "alice", "password": "wrong"}, content_type="application/json"
    )
    client.post("/admin/login/", {"username": "alice", "password": "wrong"})
    page = client.post("/admin/login/", {"username": "alice", "password": PASSWORD})
    assert page.status_code == 200 and "Too many failed logins" in page.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_RATE_PER_IP=3)
def test_admin_login_is_limited_per_address(client, owner, monkeypatch):
    from types import SimpleNamespace

    from monitoring_site.accounts import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    for i in range(3):
        client.post("/admin/login/", {"username": f"user{i}", "password": "x"})
    page = client.post("/admin/login/", {"username": "other", "password": "x"}).content.decode()
    assert "Too many" in page


def test_overview_shows_navigation_health_and_live_list(browser):
    page = browser.get("/").content.decode()
    for label in [
        "Monitors",
        "Heartbeats",
        "Incidents",
        "Status pages",
        "Alerts",
        "Jobs",
        "Agents",
        "Logs",
        "Settings",
    ]:
        assert label in page
    assert 'id="live-events"' in page and "monitoring_site/live.js" in page
    assert "channel_layer" in page and "database" in page


def test_create_and_revoke_api_key(browser, acme):
    page = browser.post("/settings/api-keys", {"name": "deploy", "scope": "write"}).content.decode()
    key = ApiKey.objects.get(name="deploy")
    start = page.index('id="new-api-key">') + len('id="new-api-key">')
    raw = page[start : page.index("</code>", start)]
    assert api_key_hash(raw) == key.key_hash and key.scope == "write"
    assert raw not in browser.get("/settings/api-keys").content.decode()
    browser.post(f"/settings/api-keys/{key.pk}/revoke")
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_viewer_cannot_manage_keys(viewer, acme):
    client = Client()
    client.force_login(viewer)
    client.post("/settings/api-keys", {"name": "sneaky", "scope": "write"})
    assert not ApiKey.objects.exists()


def test_members_page_add_change_remove(browser, acme, owner, teammate):
    owner.is_staff = True  # platform staff add (and create) users directly
    owner.save()
    browser.post("/settings/members", {"username": "newbie", "password": PASSWORD, "role": "viewer"})
    assert Membership.objects.get(user__username="newbie").role == "viewer"
    browser.post(f"/settings/members/{teammate.pk}", {"role": "admin"})
    assert Membership.objects.get(user=teammate).role == "admin"
    browser.post(f"/settings/members/{teammate.pk}", {"action": "remove"})
    assert not Membership.objects.filter(user=teammate).exists()


def test_members_page_invites_and_the_invitee_accepts(browser, acme, owner, umbrella, outsider):
    """Alice (not staff) invites mallory, who exists in Umbrella: nothing about mallory is shown, and she
    joins only when she accepts on her own page."""
    page = browser.post(
        "/settings/members", {"username": "mallory", "role": "viewer"}, follow=True
    ).content.decode()
    assert "Invited mallory as viewer" in page and "mallory@example.com" not in page
    assert not Membership.objects.filter(organization=acme, user=outsider).exists()
    mallory = Client()
    mallory.force_login(outsider)
    invitation = Invitation.objects.get(username="mallory")
    assert "Your invitations" in mallory.get("/settings/members").content.decode()
    mallory.post(f"/invitations/{invitation.pk}", {"answer": "accept"})
    assert Membership.objects.get(organization=acme, user=outsider).role == "viewer"


def test_members_page_shows_rule_errors(browser, acme, owner):
    response = browser.post(f"/settings/members/{owner.pk}", {"action": "remove"}, follow=True)
    assert "at least one owner" in response.content.decode()


def test_switch_organization(browser, owner, umbrella):
    Membership.objects.create(user=owner, organization=umbrella, role="viewer")
    browser.post("/organization", {"organization_id": umbrella.pk})
    assert "Umbrella" in browser.get("/").content.decode().split("<h1>")[1]
    browser.post("/organization", {"organization_id": 99999})  # not a member: ignored
    assert "Umbrella" in browser.get("/").content.decode().split("<h1>")[1]


def test_admin_lists_accounts_models(acme, owner, read_key):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client = Client()
    client.force_login(owner)
    for path in ["organization", "membership", "project", "apikey"]:
        assert client.get(f"/admin/accounts/{path}/").status_code == 200


def test_admin_lists_fleet_rollups_and_config_keys(acme, owner, owner_client):
    from django.utils import timezone

    from agents.services.agents import agent_create
    from agents.services.ingest import agent_events_ingest

    agent, _ = agent_create(organization=acme, new=NewAgent(name="voice"))
    now = timezone.now().isoformat()
    agent_events_ingest(agent=agent, events=[{"timestamp": now, "model": "claude", "latency_ms": 100}])
    owner_client.get("/api/v1/config/export")  # gives the agent its key
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client = Client()
    client.force_login(owner)
    for path in ["agents/agentfleetrollup", "configuration/configkey"]:
        assert client.get(f"/admin/{path}/").status_code == 200
    assert "voice" in client.get("/admin/configuration/configkey/").content.decode()
    assert "claude" in client.get("/admin/agents/agentfleetrollup/").content.decode()


@pytest.mark.django_db
def test_the_overview_health_is_cached_and_never_waits_on_the_channel_layer(monkeypatch):
    from monitoring_site import health

    monkeypatch.setattr(health, "_page_health", None)
    shown = health.page_health()
    assert "channel_layer" not in shown["components"] and "database" in shown["components"]
    assert health.page_health() is shown  # the next pages within ten seconds reuse it
    monkeypatch.setattr(health, "PAGE_HEALTH_SECONDS", 0.0)
    assert health.page_health() is not shown
