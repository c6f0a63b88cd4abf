"""A program gets the error envelope on any path, a browser the page: a JSON POST to a path the platform
does not serve is a JSON 404, never HTML (nor the CSRF failure page)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/tasks", "/x/y/z", "/jobs/nothing"])
def test_a_json_request_to_an_unserved_path_is_a_json_404(path):
    answer = Client(enforce_csrf_checks=True).post(path, data="{}", content_type="application/json")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    answer = Client().get(path, HTTP_ACCEPT="application/json")
    assert answer.status_code == 404 and answer.json()["status"] == "error"


def test_a_browser_gets_the_page():
    answer = Client().get("/x/y/z", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")


def test_a_json_post_to_a_page_is_not_the_csrf_page():
    answer = Client(enforce_csrf_checks=True).post(
        "/status/nothing", data="{}", content_type="application/json"
    )
    assert answer.status_code == 403 and answer.json()["status"] == "error"
    form = Client(enforce_csrf_checks=True).post("/status/nothing", {"a": "b"})
    assert form.status_code == 403 and form["Content-Type"].startswith("text/html")
