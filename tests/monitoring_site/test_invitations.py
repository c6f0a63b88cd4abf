"""An organization admin who is not platform staff cannot enumerate the platform's users or add one without
consent: naming a username makes an invitation, answered identically whether the user exists, and the user
accepts or declines it logged in as themselves."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from monitoring_site.accounts.models import Invitation, Membership
from tests.conftest import assert_error, client_for, data_of, make_user


def members_url(org):
    return f"/api/v1/organizations/{org.pk}/members"


def invite(client, org, username, role="member"):
    return client.post(members_url(org), {"username": username, "role": role}, format="json")


def shape(answer) -> dict:
    """The answer without what is per-invitation (id, times)."""
    data = data_of(answer, 202)["invitation"]
    return {k: v for k, v in data.items() if k not in ("id", "created_at", "expires_at")}


def test_the_answer_does_not_say_whether_a_user_exists(outsider_client, umbrella, owner, acme):
    """Mallory owns Umbrella; alice exists (in Acme), nobody-here does not."""
    existing = invite(outsider_client, umbrella, "alice")
    missing = invite(outsider_client, umbrella, "nobody-here")
    assert existing.status_code == missing.status_code == 202
    assert shape(existing) | {"username": "x"} == shape(missing) | {"username": "x"}
    assert "email" not in str(existing.json()) and "alice@example.com" not in str(existing.json())
    assert not Membership.objects.filter(organization=umbrella, user=owner).exists()  # nothing added


def test_the_invited_user_accepts_and_only_then_is_a_member(outsider_client, umbrella, owner, acme):
    invitation = data_of(invite(outsider_client, umbrella, "alice", "viewer"), 202)["invitation"]
    alice = client_for(owner)
    mine = data_of(alice.get("/api/v1/invitations"))["invitations"]
    assert [(i["id"], i["organization"]["name"], i["role"]) for i in mine] == [
        (invitation["id"], "Umbrella", "viewer")
    ]
    member = data_of(alice.post(f"/api/v1/invitations/{invitation['id']}/accept"))["member"]
    assert (member["username"], member["role"]) == ("alice", "viewer")
    assert Membership.objects.filter(organization=umbrella, user=owner, role="viewer").exists()
    assert data_of(alice.get("/api/v1/invitations"))["invitations"] == []
    # answered once: accepting again is a 404
    assert_error(alice.post(f"/api/v1/invitations/{invitation['id']}/accept"), 404, "not_found")


def test_nobody_else_can_answer_an_invitation(
    outsider_client, umbrella, owner, teammate, anon_client, read_key_client
):
    invitation = data_of(invite(outsider_client, umbrella, "alice"), 202)["invitation"]
    path = f"/api/v1/invitations/{invitation['id']}/accept"
    assert_error(client_for(teammate).post(path), 404, "not_found")  # bob cannot take alice's
    assert_error(outsider_client.post(path), 404, "not_found")  # nor the inviter
    assert_error(anon_client.post(path), 401, "authentication_failed")
    assert_error(read_key_client.post(path), 403, "insufficient_permissions")
    assert data_of(client_for(teammate).get("/api/v1/invitations"))["invitations"] == []
    assert not Membership.objects.filter(organization=umbrella, user__in=[owner, teammate]).exists()


def test_declined_expired_and_withdrawn_invitations_add_nobody(outsider_client, umbrella, owner):
    alice = client_for(owner)
    first = data_of(invite(outsider_client, umbrella, "alice"), 202)["invitation"]
    assert (
        data_of(alice.post(f"/api/v1/invitations/{first['id']}/decline"))["invitation"]["status"]
        == "declined"
    )
    second = data_of(invite(outsider_client, umbrella, "alice"), 202)["invitation"]
    Invitation.objects.filter(pk=second["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(alice.post(f"/api/v1/invitations/{second['id']}/accept"), 404, "not_found")
    third = data_of(invite(outsider_client, umbrella, "alice"), 202)["invitation"]
    assert third["id"] != second["id"]
    listed = data_of(outsider_client.get(f"/api/v1/organizations/{umbrella.pk}/invitations"))["invitations"]
    assert third["id"] in [i["id"] for i in listed]
    assert (
        outsider_client.delete(f"/api/v1/organizations/{umbrella.pk}/invitations/{third['id']}").status_code
        == 204
    )
    assert_error(alice.post(f"/api/v1/invitations/{third['id']}/accept"), 404, "not_found")
    assert not Membership.objects.filter(organization=umbrella, user=owner).exists()


def test_inviting_again_returns_the_pending_invitation(outsider_client, umbrella):
    first = data_of(invite(outsider_client, umbrella, "zed"), 202)["invitation"]
    again = data_of(invite(outsider_client, umbrella, "zed"), 202)["invitation"]
    assert first["id"] == again["id"] and Invitation.objects.count() == 1


def test_roles_on_invitations(member_client, admin_client, acme, umbrella, outsider_client):
    make_user("erin")
    assert_error(invite(member_client, acme, "erin"), 403, "insufficient_permissions")
    assert_error(invite(admin_client, acme, "erin", "owner"), 403, "insufficient_permissions")
    assert_error(invite(admin_client, umbrella, "erin"), 404, "not_found")  # another organization
    assert_error(admin_client.get(f"/api/v1/organizations/{umbrella.pk}/invitations"), 404, "not_found")
    assert_error(
        member_client.get(f"/api/v1/organizations/{acme.pk}/invitations"), 403, "insufficient_permissions"
    )
