import pytest
from django.contrib.auth import get_user_model

from monitoring_site.accounts.models import Membership
from tests.conftest import PASSWORD, assert_error, client_for, data_of, make_user


def url(org, user_id=None):
    return f"/api/v1/organizations/{org.pk}/members" + (f"/{user_id}" if user_id else "")


def test_list_members(viewer_client, acme, owner, teammate, viewer):
    members = data_of(viewer_client.get(url(acme)))["members"]
    assert {(m["username"], m["role"]) for m in members} == {
        ("alice", "owner"),
        ("bob", "member"),
        ("carol", "viewer"),
    }


@pytest.fixture
def staff_client(admin_user):
    """An organization admin who is also platform staff: adds and creates users directly."""
    admin_user.is_staff = True
    admin_user.save()
    return client_for(admin_user)


def test_staff_add_existing_and_new_users(staff_client, acme, db):
    admin_client = staff_client
    make_user("erin")
    added = data_of(admin_client.post(url(acme), {"username": "erin", "role": "viewer"}, format="json"), 201)
    assert added["member"]["username"] == "erin" and added["member"]["role"] == "viewer"
    data_of(
        admin_client.post(
            url(acme), {"username": "frank", "password": PASSWORD, "role": "member"}, format="json"
        ),
        201,
    )
    assert get_user_model().objects.get(username="frank").check_password(PASSWORD)
    assert data_of(
        client_for(token=None).post(
            "/api/v1/auth/login", {"username": "frank", "password": PASSWORD}, format="json"
        )
    )


def test_bad_input(staff_client, owner_client, acme, teammate):
    admin_client, plain_admin = staff_client, owner_client
    error = assert_error(
        admin_client.post(url(acme), {"username": "ghost"}, format="json"), 400, "validation_error"
    )
    assert "username" in error["details"]
    error = assert_error(
        admin_client.post(url(acme), {"username": "weak", "password": "123"}, format="json"),
        400,
        "validation_error",
    )
    assert "password" in error["details"]
    assert_error(
        admin_client.post(url(acme), {"username": "bob", "role": "king"}, format="json"),
        400,
        "validation_error",
    )
    assert_error(admin_client.post(url(acme), {"username": "bob"}, format="json"), 409, "already_member")
    assert_error(plain_admin.post(url(acme), {"username": "bob"}, format="json"), 409, "already_member")
    error = assert_error(
        plain_admin.post(url(acme), {"username": "new", "password": PASSWORD}, format="json"),
        400,
        "validation_error",
    )
    assert "Only platform staff create accounts" in error["details"]["password"][0]
    assert not get_user_model().objects.filter(username__in=["ghost", "weak", "new"]).exists()


def test_members_and_viewers_cannot_manage(member_client, viewer_client, acme, teammate):
    for client in (member_client, viewer_client):
        assert_error(
            client.post(url(acme), {"username": "bob"}, format="json"), 403, "insufficient_permissions"
        )
        assert_error(client.delete(url(acme, teammate.pk)), 403, "insufficient_permissions")


def test_api_keys_may_only_read(write_key_client, acme, teammate):
    assert data_of(write_key_client.get(url(acme)))
    assert_error(write_key_client.delete(url(acme, teammate.pk)), 403, "insufficient_permissions")


def test_outsider_and_anonymous(outsider_client, anon_client, acme, teammate):
    assert_error(outsider_client.get(url(acme)), 404, "not_found")
    assert_error(outsider_client.delete(url(acme, teammate.pk)), 404, "not_found")
    assert_error(anon_client.get(url(acme)), 401, "authentication_failed")
    assert Membership.objects.filter(user=teammate).exists()


def test_change_role_and_remove(admin_client, acme, teammate):
    data = data_of(admin_client.patch(url(acme, teammate.pk), {"role": "viewer"}, format="json"))
    assert data["member"]["role"] == "viewer"
    assert admin_client.delete(url(acme, teammate.pk)).status_code == 204
    assert not Membership.objects.filter(user=teammate, organization=acme).exists()
    assert_error(admin_client.delete(url(acme, teammate.pk)), 404, "not_found")


def test_only_owners_touch_owners(admin_client, owner_client, acme, owner, teammate):
    assert_error(
        admin_client.patch(url(acme, teammate.pk), {"role": "owner"}, format="json"),
        403,
        "insufficient_permissions",
    )
    assert_error(admin_client.delete(url(acme, owner.pk)), 403, "insufficient_permissions")
    data_of(owner_client.patch(url(acme, teammate.pk), {"role": "owner"}, format="json"))
    assert Membership.objects.get(user=teammate).role == "owner"


def test_last_owner_stays(owner_client, acme, owner):
    assert_error(owner_client.patch(url(acme, owner.pk), {"role": "admin"}, format="json"), 409, "last_owner")
    assert_error(owner_client.delete(url(acme, owner.pk)), 409, "last_owner")
    assert Membership.objects.get(user=owner).role == "owner"


def test_list_query_count_is_bounded(owner_client, acme, django_assert_max_num_queries):
    for i in range(15):
        Membership.objects.create(user=make_user(f"user{i}"), organization=acme, role="viewer")
    with django_assert_max_num_queries(5):
        assert data_of(owner_client.get(url(acme)))["pagination"]["total_items"] == 16
