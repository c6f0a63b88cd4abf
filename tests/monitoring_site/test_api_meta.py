"""/config, /health, the OpenAPI schema, Swagger UI, and errors outside any view."""

import json
import time

import yaml
from django.conf import settings

from monitoring_site.health import scheduler_heartbeat_record, worker_heartbeat_record
from monitoring_site.redis_client import get_redis, key
from tests.conftest import assert_error, data_of


def test_config_is_public(anon_client):
    data = data_of(anon_client.get("/api/v1/config"))
    assert data["api_base"] == "/api/v1" and data["websocket_url"] == "/api/v1/ws"
    assert data["auth"]["api_key_prefix"] == "msk_"
    assert "monitor.status" in data["realtime_topics"] and "monitor.down" in data["events"]
    assert data["realtime_streams"]["agent.logs"] == ["agent.log_lines"]
    assert "agent.command" not in data["events"]  # streams are not events webhooks can take
    assert data["pagination"] == {"default_per_page": 25, "max_per_page": 100}


def test_health_without_workers_is_degraded_and_public_summary_only(anon_client, db):
    data = data_of(anon_client.get("/api/v1/health"))
    assert data["status"] == "degraded"
    components = data["components"]
    assert set(components) == {"database", "redis", "workers", "scheduler", "checks", "channel_layer"}
    assert components["database"] == {"status": "ok"}
    assert components["redis"] == {"status": "ok"}
    assert components["channel_layer"] == {"status": "ok"}
    assert components["workers"] == {"status": "error"} and components["scheduler"] == {"status": "error"}
    assert anon_client.get("/api/v1/health", {"strict": "1"}).status_code == 503


def test_health_with_heartbeats_is_ok_and_detailed_for_a_token(owner_client):
    worker_heartbeat_record("worker-1@host")
    scheduler_heartbeat_record()
    data = data_of(owner_client.get("/api/v1/health", {"strict": "1"}))
    assert data["status"] == "ok"
    assert data["components"]["workers"]["count"] == 1
    assert data["components"]["workers"]["workers"][0]["hostname"] == "worker-1@host"
    assert data["components"]["database"]["latency_ms"] >= 0


def test_health_notices_a_stale_scheduler(owner_client):
    worker_heartbeat_record("w@h")
    get_redis().set(key("health", "scheduler"), str(time.time() - settings.HEALTH_SCHEDULER_MAX_AGE - 5))
    data = data_of(owner_client.get("/api/v1/health"))
    assert data["status"] == "degraded"
    assert "ago" in data["components"]["scheduler"]["error"]


def test_unknown_api_path_is_a_json_404(anon_client):
    response = anon_client.get("/api/v1/nothing-here")
    assert response["Content-Type"].startswith("application/json")
    assert_error(response, 404, "not_found")
    assert_error(anon_client.post("/api/v2/monitors"), 404, "not_found")


def test_unknown_api_path_is_a_json_404_for_every_method_even_with_csrf_checks(db):
    """A browser-like client (CSRF enforced): never Django's HTML "CSRF verification failed" page."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for method in ("post", "put", "patch", "delete", "get"):
        response = getattr(client, method)("/api/v1/nothing-here")
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), method
        assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_envelope(owner_client):
    assert_error(owner_client.put("/api/v1/auth/me", {}, format="json"), 405, "method_not_allowed")


def test_trailing_slash_is_accepted(owner_client):
    assert data_of(owner_client.get("/api/v1/projects/"))["projects"] == []


def test_schema_describes_endpoints_and_the_envelope(anon_client):
    response = anon_client.get("/api/v1/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/organizations",
        "/api/v1/organizations/{id}",
        "/api/v1/organizations/{organization_pk}/members",
        "/api/v1/organizations/{organization_pk}/members/{user_id}",
        "/api/v1/api-keys",
        "/api/v1/api-keys/{id}",
        "/api/v1/projects",
        "/api/v1/projects/{id}",
        "/api/v1/config",
        "/api/v1/health",
    ]:
        assert path in paths, path
    project = paths["/api/v1/projects/{id}"]["get"]["responses"]
    body = project["200"]["content"]["application/json"]["schema"]
    assert body["properties"]["status"]["enum"] == ["success"]
    assert body["properties"]["data"]["properties"]["project"]["$ref"].endswith("/Project")
    assert project["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
    listing = paths["/api/v1/projects"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    paginated = schema["components"]["schemas"][listing["properties"]["data"]["$ref"].rsplit("/", 1)[-1]]
    assert set(paginated["properties"]) == {"projects", "pagination"}
    params = {p["name"] for p in paths["/api/v1/projects"]["get"]["parameters"]}
    assert {"page", "per_page", "sort", "name", "created_after"} <= params
    assert {"apiKeyAuth", "jwtAuth"} <= set(schema["components"]["securitySchemes"])
    assert paths["/api/v1/projects"]["get"]["security"] == [{"apiKeyAuth": []}, {"jwtAuth": []}]


def test_swagger_ui_is_served_offline(anon_client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    response = anon_client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "swagger-ui" in html
        and "cdn" not in html.lower()
        and "http://" not in html.replace("http://testserver", "")
    )


def test_every_reference_of_the_schema_resolves_every_time(anon_client):
    """The schema served twice in one process: the second once named a component it no longer defined
    (ReDoc refused to draw it)."""
    import re

    for _ in range(2):
        text = anon_client.get("/api/v1/schema", HTTP_ACCEPT="application/json").content.decode()
        schema = json.loads(text)
        defined = set(schema["components"]["schemas"])
        referenced = set(re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", text))
        assert referenced <= defined, referenced - defined


def test_health_with_a_key_while_the_database_fails_is_503_not_500(anon_client, read_key, monkeypatch):
    """Found by the reliability audit: with an API key, /health answered 500 while Postgres was down (the
    key cannot be checked then). The key lookup is made to fail as the database would."""
    from django.db import OperationalError

    from monitoring_site.accounts import authentication

    def database_down(raw):
        raise OperationalError("connection refused")

    monkeypatch.setattr(authentication, "api_key_authenticate", database_down)
    anon_client.credentials(HTTP_AUTHORIZATION=f"Bearer {read_key[1]}")
    response = anon_client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "success" and set(body["data"]["components"]["database"]) == {"status"}
