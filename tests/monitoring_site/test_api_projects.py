"""Projects: the reference CRUD resource for the API conventions every domain shares."""

import pytest
from model_bakery import baker

from monitoring_site.accounts.models import Project
from tests.conftest import assert_error, data_of

URL = "/api/v1/projects"


@pytest.fixture
def projects(acme):
    return [baker.make(Project, organization=acme, name=f"proj-{i:02d}") for i in range(30)]


def test_no_token_is_401(anon_client, acme):
    error = assert_error(anon_client.get(URL), 401, "authentication_failed")
    assert "credentials" in error["message"].lower()


def test_bad_token_is_401(acme):
    from tests.conftest import client_for

    assert_error(client_for(token="nonsense").get(URL), 401, "authentication_failed")
    assert_error(client_for(token="msk_nonsense").get(URL), 401, "authentication_failed")


def test_create_list_retrieve_update_delete(owner_client):
    created = data_of(
        owner_client.post(URL, {"name": "payments", "description": "card flows"}, format="json"), 201
    )
    project = created["project"]
    assert project["name"] == "payments"
    listed = data_of(owner_client.get(URL))
    assert [p["name"] for p in listed["projects"]] == ["payments"]
    assert data_of(owner_client.get(f"{URL}/{project['id']}"))["project"]["description"] == "card flows"
    patched = data_of(owner_client.patch(f"{URL}/{project['id']}", {"name": "billing"}, format="json"))
    assert patched["project"]["name"] == "billing"
    assert owner_client.delete(f"{URL}/{project['id']}").status_code == 204
    assert not Project.objects.exists()


def test_bad_input_is_400_and_changes_nothing(owner_client):
    error = assert_error(owner_client.post(URL, {"name": ""}, format="json"), 400, "validation_error")
    assert "name" in error["details"]
    assert_error(
        owner_client.post(URL, "{not json", content_type="application/json"), 400, "validation_error"
    )
    assert not Project.objects.exists()


def test_duplicate_name_is_409(owner_client, acme):
    baker.make(Project, organization=acme, name="payments")
    assert_error(owner_client.post(URL, {"name": "payments"}, format="json"), 409, "duplicate_name")
    assert Project.objects.count() == 1


def test_outsider_gets_404_and_sees_nothing(outsider_client, projects):
    target = projects[0]
    assert_error(outsider_client.get(f"{URL}/{target.pk}"), 404, "not_found")
    assert_error(outsider_client.patch(f"{URL}/{target.pk}", {"name": "x"}, format="json"), 404, "not_found")
    assert_error(outsider_client.delete(f"{URL}/{target.pk}"), 404, "not_found")
    assert data_of(outsider_client.get(URL))["pagination"]["total_items"] == 0
    target.refresh_from_db()
    assert target.name == "proj-00"


def test_viewer_and_read_key_cannot_write(viewer_client, read_key_client, projects):
    for client in (viewer_client, read_key_client):
        assert data_of(client.get(URL))["pagination"]["total_items"] == 30
        assert_error(client.post(URL, {"name": "new"}, format="json"), 403, "insufficient_permissions")
        assert_error(client.delete(f"{URL}/{projects[0].pk}"), 403, "insufficient_permissions")
    assert Project.objects.count() == 30


def test_member_writes_but_only_admin_deletes(member_client, admin_client, write_key_client, projects):
    assert data_of(member_client.post(URL, {"name": "new"}, format="json"), 201)
    assert_error(member_client.delete(f"{URL}/{projects[0].pk}"), 403, "insufficient_permissions")
    assert admin_client.delete(f"{URL}/{projects[0].pk}").status_code == 204
    assert write_key_client.delete(f"{URL}/{projects[1].pk}").status_code == 204


def test_pagination(owner_client, projects):
    page = data_of(owner_client.get(URL, {"page": 2, "per_page": 10, "sort": "name:asc"}))
    assert [p["name"] for p in page["projects"]] == [f"proj-{i:02d}" for i in range(10, 20)]
    assert page["pagination"] == {
        "current_page": 2,
        "per_page": 10,
        "total_pages": 3,
        "total_items": 30,
        "has_next": True,
        "has_previous": True,
    }
    default = data_of(owner_client.get(URL))
    assert len(default["projects"]) == 25
    capped = data_of(owner_client.get(URL, {"per_page": 1000}))
    assert capped["pagination"]["per_page"] == 100
    past_end = data_of(owner_client.get(URL, {"page": 9}))
    assert past_end["projects"] == [] and past_end["pagination"]["has_next"] is False
    assert_error(owner_client.get(URL, {"page": "abc"}), 400, "validation_error")
    assert_error(owner_client.get(URL, {"per_page": 0}), 400, "validation_error")


def test_sort(owner_client, projects):
    names = [
        p["name"] for p in data_of(owner_client.get(URL, {"sort": "name:desc", "per_page": 3}))["projects"]
    ]
    assert names == ["proj-29", "proj-28", "proj-27"]
    error = assert_error(owner_client.get(URL, {"sort": "secret:asc"}), 400, "validation_error")
    assert "Allowed fields" in error["details"]["sort"][0]
    assert_error(owner_client.get(URL, {"sort": "name:sideways"}), 400, "validation_error")


def test_filters(owner_client, acme, projects):
    data = data_of(owner_client.get(URL, {"name": "proj-1"}))
    assert data["pagination"]["total_items"] == 10
    assert data_of(owner_client.get(URL, {"created_after": "2000-01-01"}))["pagination"]["total_items"] == 30
    assert data_of(owner_client.get(URL, {"created_before": "2000-01-01"}))["pagination"]["total_items"] == 0
    error = assert_error(owner_client.get(URL, {"created_after": "yesterday"}), 400, "validation_error")
    assert "created_after" in error["details"]


def test_csv(owner_client, projects):
    response = owner_client.get(URL, {"format": "csv", "sort": "name:asc"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "id,name,description,created_at"
    assert len(lines) == 31 and lines[1].split(",")[1] == "proj-00"


def test_csv_quotes_formulas(owner_client, acme):
    baker.make(Project, organization=acme, name="=HYPERLINK(1)")
    body = owner_client.get(URL, {"format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in body


def test_list_query_count_is_bounded(owner_client, projects, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        data_of(owner_client.get(URL, {"per_page": 100}))
