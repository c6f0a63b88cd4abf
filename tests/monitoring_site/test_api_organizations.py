from monitoring_site.accounts.models import Membership, Organization
from tests.conftest import assert_error, data_of

URL = "/api/v1/organizations"


def test_list_shows_only_own_organizations(owner_client, outsider):
    data = data_of(owner_client.get(URL))
    assert [o["name"] for o in data["organizations"]] == ["Acme"]
    assert data["organizations"][0]["role"] == "owner"


def test_create_makes_the_caller_owner(member_client, teammate):
    org = data_of(member_client.post(URL, {"name": "Side Project"}, format="json"), 201)["organization"]
    assert org["role"] == "owner" and org["slug"] == "side-project"
    assert Membership.objects.get(user=teammate, organization_id=org["id"]).role == "owner"


def test_create_bad_input_and_api_key(owner_client, write_key_client):
    assert_error(owner_client.post(URL, {"name": ""}, format="json"), 400, "validation_error")
    assert_error(write_key_client.post(URL, {"name": "x"}, format="json"), 403, "insufficient_permissions")
    assert Organization.objects.count() == 1


def test_retrieve_and_outsider(owner_client, outsider_client, acme):
    assert data_of(owner_client.get(f"{URL}/{acme.pk}"))["organization"]["name"] == "Acme"
    assert_error(outsider_client.get(f"{URL}/{acme.pk}"), 404, "not_found")
    assert_error(
        outsider_client.patch(f"{URL}/{acme.pk}", {"name": "Pwned"}, format="json"), 404, "not_found"
    )


def test_rename_needs_admin(owner_client, member_client, acme):
    assert_error(
        member_client.patch(f"{URL}/{acme.pk}", {"name": "X"}, format="json"), 403, "insufficient_permissions"
    )
    data = data_of(owner_client.patch(f"{URL}/{acme.pk}", {"name": "Acme Corp"}, format="json"))
    assert data["organization"]["name"] == "Acme Corp"


def test_api_key_reads_its_organization(read_key_client, acme, umbrella):
    data = data_of(read_key_client.get(URL))
    assert [o["id"] for o in data["organizations"]] == [acme.pk]
    assert_error(read_key_client.get(f"{URL}/{umbrella.pk}"), 404, "not_found")


def test_no_token(anon_client):
    assert_error(anon_client.get(URL), 401, "authentication_failed")


def test_list_query_count_is_bounded(owner, owner_client, django_assert_max_num_queries):
    from monitoring_site.accounts.services import organization_create

    for i in range(10):
        organization_create(name=f"org {i}", owner=owner)
    with django_assert_max_num_queries(4):
        assert data_of(owner_client.get(URL))["pagination"]["total_items"] == 11
