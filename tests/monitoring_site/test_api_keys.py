from django.utils import timezone

from monitoring_site.accounts.models import ApiKey
from monitoring_site.accounts.selectors import api_key_hash
from monitoring_site.actors import Actor
from tests.conftest import assert_error, client_for, data_of

URL = "/api/v1/api-keys"


def test_create_shows_the_key_once_and_stores_a_hash(owner_client):
    created = data_of(owner_client.post(URL, {"name": "ci", "scope": "write"}, format="json"), 201)["api_key"]
    raw = created["key"]
    assert raw.startswith("msk_") and len(raw) > 40 and created["display_prefix"] == raw[:12]
    stored = ApiKey.objects.get(pk=created["id"])
    assert stored.key_hash == api_key_hash(raw) and raw not in (stored.key_hash, stored.display_prefix)
    listed = data_of(owner_client.get(URL))["api_keys"]
    assert listed[0]["id"] == created["id"] and "key" not in listed[0]
    assert "key" not in data_of(owner_client.get(f"{URL}/{created['id']}"))["api_key"]


def test_key_authenticates_and_records_use(owner_client):
    raw = data_of(owner_client.post(URL, {"name": "ci", "scope": "read"}, format="json"), 201)["api_key"][
        "key"
    ]
    assert data_of(client_for(token=raw).get("/api/v1/projects"))["projects"] == []
    assert ApiKey.objects.get().last_used_at is not None


def test_read_key_cannot_write_and_revoked_key_stops(owner_client, read_key, read_key_client):
    assert_error(
        read_key_client.post("/api/v1/projects", {"name": "x"}, format="json"),
        403,
        "insufficient_permissions",
    )
    api_key, _ = read_key
    assert owner_client.delete(f"{URL}/{api_key.pk}").status_code == 204
    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None
    assert_error(read_key_client.get("/api/v1/projects"), 401, "authentication_failed")
    assert data_of(owner_client.get(URL))["api_keys"] == []
    assert len(data_of(owner_client.get(URL, {"is_active": "false"}))["api_keys"]) == 1


def test_bad_input(owner_client):
    error = assert_error(
        owner_client.post(URL, {"name": "x", "scope": "root"}, format="json"), 400, "validation_error"
    )
    assert "scope" in error["details"]
    assert_error(owner_client.post(URL, {"scope": "read"}, format="json"), 400, "validation_error")
    assert not ApiKey.objects.exists()


def test_only_admins_and_never_keys(member_client, write_key_client, read_key):
    assert_error(member_client.get(URL), 403, "insufficient_permissions")
    assert_error(member_client.post(URL, {"name": "x"}, format="json"), 403, "insufficient_permissions")
    assert_error(write_key_client.post(URL, {"name": "x"}, format="json"), 403, "insufficient_permissions")
    assert_error(write_key_client.delete(f"{URL}/{read_key[0].pk}"), 403, "insufficient_permissions")


def test_outsider_and_anonymous(outsider_client, anon_client, read_key):
    api_key, _ = read_key
    assert_error(outsider_client.delete(f"{URL}/{api_key.pk}"), 404, "not_found")
    assert_error(anon_client.get(URL), 401, "authentication_failed")
    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is None


def test_last_used_is_written_at_most_once_a_minute(read_key, read_key_client, django_assert_max_num_queries):
    api_key, _ = read_key
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    with django_assert_max_num_queries(3):  # key lookup, count, page: no UPDATE
        read_key_client.get("/api/v1/projects")


def test_list_query_count_is_bounded(acme, owner, owner_client, django_assert_max_num_queries):
    from monitoring_site.accounts.services import api_key_create

    for i in range(15):
        api_key_create(organization=acme, name=f"k{i}", scope="read", by=Actor("alice", owner))
    with django_assert_max_num_queries(4):
        assert data_of(owner_client.get(URL))["pagination"]["total_items"] == 15
