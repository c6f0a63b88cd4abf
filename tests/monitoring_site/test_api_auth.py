"""/auth/login, /auth/refresh, /auth/logout, /auth/me and the X-Organization header."""

from django.test import override_settings

from monitoring_site.accounts.choices import Role
from monitoring_site.accounts.models import Membership
from tests.conftest import PASSWORD, assert_error, client_for, data_of

LOGIN, REFRESH, LOGOUT, ME = (
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/me",
)


def login(client, username="alice", password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, format="json")


def test_login_returns_a_working_token_pair(anon_client, owner):
    data = data_of(login(anon_client))
    assert set(data) == {"token", "refresh", "expires_at", "username"}
    assert data["username"] == "alice" and data["expires_at"].endswith("Z")
    me = data_of(client_for(token=data["token"]).get(ME))
    assert me["user"]["username"] == "alice"
    assert me["organization"]["role"] == "owner"
    owner.refresh_from_db()
    assert owner.last_login is not None


def test_wrong_password_and_bad_input(anon_client, owner):
    error = assert_error(login(anon_client, password="nope"), 401, "authentication_failed")
    assert error["message"] == "Invalid username or password."
    error = assert_error(
        anon_client.post(LOGIN, {"username": "alice"}, format="json"), 400, "validation_error"
    )
    assert "password" in error["details"]


def test_disabled_user_cannot_log_in_and_loses_tokens(anon_client, owner):
    client = client_for(owner)
    data_of(client.get(ME))
    owner.is_active = False
    owner.save()
    assert_error(login(anon_client), 401, "authentication_failed")
    assert_error(client.get(ME), 401, "authentication_failed")


def test_password_change_revokes_existing_tokens(owner):
    client = client_for(owner)
    data_of(client.get(ME))
    owner.set_password("another-long-password")
    owner.save()
    assert_error(client.get(ME), 401, "authentication_failed")


@override_settings(LOGIN_FAILURES_PER_USERNAME=3)
def test_failed_logins_per_username_are_rate_limited(anon_client, owner):
    for _ in range(3):
        assert_error(login(anon_client, password="wrong"), 401, "authentication_failed")
    response = login(anon_client)  # even the right password now waits
    error = assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0 and error["details"]["retry_after"] > 0


@override_settings(LOGIN_RATE_PER_IP=5)
def test_attempts_per_address_are_rate_limited(anon_client, owner, monkeypatch):
    # The limit counts per clock minute: pin the clock, or a run that crosses a minute boundary passes.
    from types import SimpleNamespace

    from monitoring_site.accounts import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    for i in range(5):
        login(anon_client, username=f"user{i}", password="x")
    assert_error(login(anon_client), 429, "rate_limited")


def test_refresh_rotates_and_blacklists(anon_client, owner):
    first = data_of(login(anon_client))
    second = data_of(anon_client.post(REFRESH, {"refresh": first["refresh"]}, format="json"))
    assert second["refresh"] != first["refresh"]
    data_of(client_for(token=second["token"]).get(ME))
    # The rotated-out refresh token is blacklisted.
    assert_error(
        anon_client.post(REFRESH, {"refresh": first["refresh"]}, format="json"), 401, "authentication_failed"
    )
    assert_error(anon_client.post(REFRESH, {}, format="json"), 400, "validation_error")


def test_logout_blacklists_refresh_and_revokes_access(anon_client, owner):
    pair = data_of(login(anon_client))
    client = client_for(token=pair["token"])
    assert data_of(client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")) == {"logged_out": True}
    assert_error(client.get(ME), 401, "authentication_failed")
    assert_error(
        anon_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json"), 401, "authentication_failed"
    )


def test_a_password_change_cuts_off_the_whole_refresh_family(anon_client, owner):
    first = data_of(login(anon_client))
    rotated = data_of(anon_client.post(REFRESH, {"refresh": first["refresh"]}, format="json"))
    owner.set_password("a-new-password-2")
    owner.save()
    assert_error(
        anon_client.post(REFRESH, {"refresh": rotated["refresh"]}, format="json"),
        401,
        "authentication_failed",
    )
    assert_error(client_for(token=rotated["token"]).get(ME), 401, "authentication_failed")


def test_a_disabled_or_deleted_user_cannot_refresh(anon_client, owner):
    pair = data_of(login(anon_client))
    owner.is_active = False
    owner.save()
    assert_error(
        anon_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json"), 401, "authentication_failed"
    )
    owner.delete()
    assert_error(
        anon_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json"), 401, "authentication_failed"
    )


def test_logout_ends_every_token_of_that_login_and_no_other(anon_client, owner):
    first = data_of(login(anon_client))
    rotated = data_of(anon_client.post(REFRESH, {"refresh": first["refresh"]}, format="json"))
    elsewhere = data_of(login(anon_client))  # another login of the same user
    out = client_for(token=rotated["token"]).post(LOGOUT, {"refresh": rotated["refresh"]}, format="json")
    assert data_of(out) == {"logged_out": True}
    for token in (first["token"], rotated["token"]):  # the earlier access token of the login too
        assert_error(client_for(token=token).get(ME), 401, "authentication_failed")
    assert_error(
        anon_client.post(REFRESH, {"refresh": rotated["refresh"]}, format="json"),
        401,
        "authentication_failed",
    )
    assert data_of(client_for(token=elsewhere["token"]).get(ME))["user"]["username"] == "alice"
    assert data_of(anon_client.post(REFRESH, {"refresh": elsewhere["refresh"]}, format="json"))["token"]


def test_logout_checks_input_and_owner(anon_client, owner, outsider):
    assert_error(anon_client.post(LOGOUT, {"refresh": "x"}, format="json"), 401, "authentication_failed")
    client = client_for(owner)
    assert_error(client.post(LOGOUT, {"refresh": "garbage"}, format="json"), 400, "validation_error")
    others = data_of(login(anon_client, username="mallory"))
    assert_error(
        client.post(LOGOUT, {"refresh": others["refresh"]}, format="json"), 403, "insufficient_permissions"
    )


def test_me_lists_organizations_and_header_picks_one(owner, umbrella):
    Membership.objects.create(user=owner, organization=umbrella, role=Role.VIEWER)
    client = client_for(owner)
    me = data_of(client.get(ME))
    assert [(o["name"], o["role"]) for o in me["organizations"]] == [
        ("Acme", "owner"),
        ("Umbrella", "viewer"),
    ]
    assert me["organization"]["name"] == "Acme"
    picked = data_of(client.get(ME, HTTP_X_ORGANIZATION=str(umbrella.pk)))
    assert picked["organization"] == {**picked["organization"], "name": "Umbrella", "role": "viewer"}
    # As a viewer in Umbrella, writes there are refused while they work in Acme.
    assert_error(
        client.post("/api/v1/projects", {"name": "p"}, format="json", HTTP_X_ORGANIZATION=str(umbrella.pk)),
        403,
        "insufficient_permissions",
    )
    assert data_of(client.post("/api/v1/projects", {"name": "p"}, format="json"), 201)


def test_header_for_a_foreign_or_bad_organization(owner, umbrella):
    client = client_for(owner)
    assert_error(
        client.get("/api/v1/projects", HTTP_X_ORGANIZATION=str(umbrella.pk)), 403, "insufficient_permissions"
    )
    assert_error(client.get("/api/v1/projects", HTTP_X_ORGANIZATION="acme"), 400, "validation_error")


def test_me_with_an_api_key(read_key_client, read_key):
    me = data_of(read_key_client.get(ME))
    assert me["user"] is None
    assert me["api_key"]["name"] == "grafana" and me["api_key"]["scope"] == "read"
    assert me["organization"]["role"] == "viewer"


def test_me_without_token(anon_client):
    assert_error(anon_client.get(ME), 401, "authentication_failed")
