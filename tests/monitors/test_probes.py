"""Probes and quorums without a network: outcomes are given, probes are runners with locations, and the
lease protocol is driven through the services and the runner API as a probe process drives it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Event, NotificationChannel
from jobs.models import Runner
from jobs.services.runners import enrollment_token_create, jobs_sweep, runner_register
from monitors.checks import CheckOutcome
from monitors.inputs import MonitorChanges, NewMonitor
from monitors.models import CheckResult, Incident, Monitor, MonitorLocation
from monitors.services.monitors import monitor_create, monitor_update
from monitors.services.probes import probe_checks_claim, probe_results_record
from monitors.services.transitions import monitors_record_outcomes
from tests.conftest import assert_error, data_of

OK = CheckOutcome(ok=True, response_time_ms=20.0, status_code=200)
FAIL = CheckOutcome.failed("HTTP 503", status_code=503)
RUNNERS = "/api/v1/runners"
INVALID = "validation_error"


def make_probe(org, name: str, locations: list[str]) -> tuple[Runner, str]:
    _token, raw = enrollment_token_create(organization=org, name="probes")
    return runner_register(enrollment_token=raw, name=name, locations=locations)


def make_monitor(org, locations, quorum=None, **extra) -> Monitor:
    data = {"name": "shop", "type": "website", "target": "https://shop.example", "locations": locations}
    if quorum is not None:
        data["quorum"] = quorum
    return monitor_create(organization=org, new=NewMonitor.of({**data, **extra})).obj


def record(monitor: Monitor, location: str, outcome: CheckOutcome, now=None) -> str:
    now = now or timezone.now()
    fresh = Monitor.objects.get(pk=monitor.pk)
    result = CheckOutcome(**{**outcome.__dict__, "started_at": now})
    return next(iter(monitors_record_outcomes(checks=[(fresh, result, now)], now=now, location=location)))


@pytest.fixture
def channel(acme):
    return NotificationChannel.objects.create(
        organization=acme, name="ops", kind="email", config={"to": ["o@x.co"]}
    )


def test_default_quorum_rule(acme):
    assert make_monitor(acme, ["local"]).quorum_needed == 1
    assert make_monitor(acme, ["local", "eu"]).quorum_needed == 2
    assert make_monitor(acme, ["local", "eu", "us"]).quorum_needed == 2
    assert make_monitor(acme, ["local", "eu", "us", "ap"]).quorum_needed == 3
    assert make_monitor(acme, ["local", "eu", "us"], quorum=1).quorum_needed == 1


def test_three_locations_go_down_only_on_a_quorum(acme):
    monitor = make_monitor(acme, ["local", "eu-west", "us-east"])
    assert set(MonitorLocation.objects.filter(monitor=monitor).values_list("location", flat=True)) == {
        "local",
        "eu-west",
        "us-east",
    }
    assert record(monitor, "local", OK) == "up"
    assert record(monitor, "eu-west", FAIL) == "up"  # one of three: a probe's bad network pages nobody
    assert not Incident.objects.exists()
    assert record(monitor, "us-east", FAIL) == "down"  # two of three
    incident = Incident.objects.get(monitor=monitor)
    assert incident.locations == {"local": "up", "eu-west": "down", "us-east": "down"}
    assert "eu-west, us-east" in incident.error_message
    assert set(CheckResult.objects.filter(monitor=monitor).values_list("location", flat=True)) == {
        "local",
        "eu-west",
        "us-east",
    }
    assert record(monitor, "eu-west", OK) == "up"  # back under the quorum
    incident.refresh_from_db()
    assert incident.status == "resolved"


@pytest.mark.parametrize(("quorum", "opens"), [(2, False), (1, True)])
def test_two_locations_quorum_two_or_one(acme, quorum, opens):
    monitor = make_monitor(acme, ["local", "probe-b"], quorum=quorum)
    record(monitor, "local", OK)
    status = record(monitor, "probe-b", FAIL)
    assert (status == "down") is opens
    assert Incident.objects.filter(monitor=monitor).exists() is opens


def test_per_location_retries(acme):
    monitor = make_monitor(acme, ["local", "eu"], quorum=1, retries=1)
    record(monitor, "local", OK)
    assert record(monitor, "eu", FAIL) == "up"  # the location's first failure is a retry
    assert MonitorLocation.objects.get(monitor=monitor, location="eu").status == "pending"
    assert record(monitor, "eu", FAIL) == "down"


def test_a_silent_location_leaves_the_quorum(acme, settings):
    settings.PROBES_LOST_GRACE_SECONDS = 60
    monitor = make_monitor(acme, ["local", "eu", "us"], check_interval=10)
    t0 = timezone.now()
    record(monitor, "eu", FAIL, t0)
    record(monitor, "us", OK, t0)
    later = t0 + timedelta(seconds=120)  # eu and us went silent (their probes are gone)
    assert record(monitor, "local", FAIL, later) == "down"  # 1 reporting: the quorum is capped at 1
    assert Incident.objects.get(monitor=monitor).locations == {"local": "down", "eu": "lost", "us": "lost"}


def test_locations_are_validated(acme):
    from monitoring_site.errors import RuleViolation

    for bad in ([], ["EU West"], ["eu", "eu"], "eu", ["x" * 70]):
        with pytest.raises(RuleViolation) as caught:
            make_monitor(acme, bad)
        assert "locations" in caught.value.details
    with pytest.raises(RuleViolation) as caught:
        make_monitor(acme, ["local", "eu"], quorum=3)
    assert "quorum" in caught.value.details


def test_removing_a_location_drops_its_row_and_the_local_checker_follows(acme):
    monitor = make_monitor(acme, ["eu", "us"])
    assert monitor.checks_local is False
    monitor = monitor_update(monitor=monitor, changes=MonitorChanges(locations=["local", "eu"]))
    assert monitor.checks_local is True
    assert sorted(MonitorLocation.objects.filter(monitor=monitor).values_list("location", flat=True)) == [
        "eu",
        "local",
    ]


def test_claim_is_scoped_to_the_probes_own_locations_and_organization(acme, umbrella, channel):
    mine = make_monitor(acme, ["local", "eu"], notifications=[channel.pk], headers={"X-Key": "k"})
    make_monitor(acme, ["local", "us"])
    make_monitor(umbrella, ["eu"])  # another organization's, same location name
    probe, _ = make_probe(acme, "probe-eu", ["eu"])
    claimed = probe_checks_claim(runner=probe)
    assert [(c["monitor_id"], c["location"]) for c in claimed] == [(mine.pk, "eu")]
    spec = claimed[0]["check"]
    assert spec["target"] == "https://shop.example" and spec["headers"] == {"X-Key": "k"}
    assert not {"notifications", "organization", "organization_id", "push_token_hash", "badge_key"} & set(
        spec
    )
    assert probe_checks_claim(runner=probe) == []  # leased: not handed out twice


def test_results_are_accepted_once_from_the_lease_holder(acme):
    monitor = make_monitor(acme, ["local", "eu"], quorum=1)
    probe, _ = make_probe(acme, "probe-1", ["eu"])
    other, _ = make_probe(acme, "probe-2", ["eu"])
    claimed = probe_checks_claim(runner=probe)[0]
    result = {"id": claimed["id"], "due": _due(claimed), "ok": False, "error": "refused"}
    assert probe_results_record(runner=other, results=[result]) == {"accepted": 0, "rejected": 1}
    assert probe_results_record(runner=probe, results=[result]) == {"accepted": 1, "rejected": 0}
    assert probe_results_record(runner=probe, results=[result]) == {"accepted": 0, "rejected": 1}
    assert CheckResult.objects.filter(monitor=monitor, location="eu").count() == 1
    assert Monitor.objects.get(pk=monitor.pk).status == "down"


def test_a_lapsed_lease_is_claimed_again_for_the_same_due_time(acme):
    make_monitor(acme, ["eu"])
    dead, _ = make_probe(acme, "dead", ["eu"])
    alive, _ = make_probe(acme, "alive", ["eu"])
    first = probe_checks_claim(runner=dead)[0]
    row = MonitorLocation.objects.get(pk=first["id"])
    later = row.lease_until + timedelta(seconds=1)
    again = probe_checks_claim(runner=alive, now=later)
    assert [(c["id"], c["due"]) for c in again] == [(first["id"], first["due"])]
    late = {"id": first["id"], "due": _due(first), "ok": True}
    assert probe_results_record(runner=dead, results=[late])["rejected"] == 1  # its lease is gone
    assert probe_results_record(runner=alive, results=[late])["accepted"] == 1
    assert CheckResult.objects.count() == 1


def test_a_lost_probe_raises_probe_lost_to_the_monitors_channels(acme, channel):
    make_monitor(acme, ["local", "eu"], notifications=[channel.pk])
    probe, _ = make_probe(acme, "probe-eu", ["eu"])
    silent = timezone.now() + timedelta(minutes=10)
    assert jobs_sweep(now=silent)["runners_lost"] == 1
    event = Event.objects.get(name="probe.lost")
    assert event.body["probe"] == {"id": probe.pk, "name": "probe-eu", "locations": ["eu"]}
    assert event.channel_ids == [channel.pk]
    assert jobs_sweep(now=silent)["runners_lost"] == 0  # once


def _due(claimed):
    from django.utils.dateparse import parse_datetime

    return parse_datetime(claimed["due"])


# --- over the API ---------------------------------------------------------------------------------------


def probe_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_probe_api_claim_and_results(acme, anon_client):
    monitor = make_monitor(acme, ["local", "eu"], quorum=1)
    _token, raw = enrollment_token_create(organization=acme, name="p")
    body = {"enrollment_token": raw, "name": "probe-eu", "locations": ["eu"]}
    registered = data_of(anon_client.post(f"{RUNNERS}/register", body, format="json"), 201)
    assert registered["runner"]["locations"] == ["eu"]
    pk, own = registered["runner"]["id"], probe_client(registered["token"])
    checks = data_of(own.post(f"{RUNNERS}/{pk}/checks/claim?wait=0"))["checks"]
    assert [c["monitor_id"] for c in checks] == [monitor.pk]
    result = {"id": checks[0]["id"], "due": checks[0]["due"], "ok": True, "response_time_ms": 12.0}
    answer = data_of(own.post(f"{RUNNERS}/{pk}/checks/results", {"results": [result]}, format="json"))
    assert answer == {"accepted": 1, "rejected": 0}
    assert own.post(f"{RUNNERS}/{pk}/checks/claim?wait=0").status_code == 204


def test_probe_api_refuses_bad_input(acme, anon_client):
    _token, raw = enrollment_token_create(organization=acme, name="p")
    local = {"enrollment_token": raw, "name": "x", "locations": ["local"]}
    assert_error(anon_client.post(f"{RUNNERS}/register", local, format="json"), 400, INVALID)
    plain, plain_token = runner_register(enrollment_token=raw, name="plain")
    assert_error(
        probe_client(plain_token).post(f"{RUNNERS}/{plain.pk}/checks/claim?wait=0"), 400, "validation_error"
    )
    probe, token = make_probe(acme, "p", ["eu"])
    own = probe_client(token)
    for bad in (
        {"results": [{"id": 1, "due": "2026-01-01T00:00:00Z", "ok": True, "extra": 1}]},
        {"results": [{"id": "x", "due": "soon", "ok": "maybe"}]},
        {"results": [{"id": 1, "due": "2026-01-01T00:00:00Z", "ok": True, "response_time_ms": -5}]},
        {"results": "all"},
        {},
    ):
        assert_error(
            own.post(f"{RUNNERS}/{probe.pk}/checks/results", bad, format="json"), 400, "validation_error"
        )
    assert_error(own.post(f"{RUNNERS}/{probe.pk}/checks/claim?wait=x"), 400, INVALID)
    assert_error(own.post(f"{RUNNERS}/{probe.pk}/checks/claim?limit=0"), 400, INVALID)
    assert_error(anon_client.post(f"{RUNNERS}/{probe.pk}/checks/claim?wait=0"), 401, "authentication_failed")
    other, _ = make_probe(acme, "q", ["eu"])
    assert_error(own.post(f"{RUNNERS}/{other.pk}/checks/claim?wait=0"), 404, "not_found")


def test_monitor_locations_endpoint(acme, owner_client, outsider_client, anon_client):
    monitor = make_monitor(acme, ["local", "eu"])
    make_probe(acme, "probe-eu", ["eu"])
    record(monitor, "local", OK)
    record(monitor, "eu", FAIL)
    url = f"/api/v1/monitors/{monitor.pk}/locations"
    data = data_of(owner_client.get(url))
    rows = {row["location"]: row for row in data["locations"]}
    assert rows["local"]["status"] == "up" and rows["local"]["uptime_24h"] == 100.0
    assert rows["local"]["p50_ms"] == 20.0 and rows["local"]["probes"] == []
    assert rows["eu"]["status"] == "down" and rows["eu"]["failures_24h"] == 1
    assert [p["name"] for p in rows["eu"]["probes"]] == ["probe-eu"]
    assert data["quorum"] == {"needed": 2, "effective": 2, "reporting": 2, "down": ["eu"], "is_down": False}
    assert_error(outsider_client.get(url), 404, "not_found")
    assert_error(anon_client.get(url), 401, "authentication_failed")
    assert_error(owner_client.get(f"{url}?x=1"), 400, INVALID)
    logs = data_of(owner_client.get(f"/api/v1/monitors/{monitor.pk}/logs?location=eu"))["logs"]
    assert [row["location"] for row in logs] == ["eu"]


def test_monitor_api_locations_and_quorum(owner_client):
    body = {"name": "a", "type": "website", "target": "https://a.example", "locations": ["local", "eu"]}
    created = data_of(owner_client.post("/api/v1/monitors", body, format="json"), 201)["monitor"]
    assert (created["locations"], created["quorum"], created["quorum_needed"]) == (["local", "eu"], None, 2)
    bad = {**body, "locations": ["Bad Name"]}
    assert_error(owner_client.post("/api/v1/monitors", bad, format="json"), 400, INVALID)
    assert_error(
        owner_client.post("/api/v1/monitors", {**body, "quorum": 5}, format="json"), 400, "validation_error"
    )


def test_prometheus_series_carry_the_location(acme, umbrella, read_key):
    from django.test import Client

    from tests.monitors.test_prometheus import samples

    monitor = make_monitor(acme, ["local", "eu"])
    make_monitor(umbrella, ["local", "eu"], name="secret")
    record(monitor, "local", OK)
    record(monitor, "eu", FAIL)
    text = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {read_key[1]}").content.decode()
    found = samples(text)

    def labels(location):
        return (
            ("location", location),
            ("monitor_id", str(monitor.pk)),
            ("name", "shop"),
            ("organization", acme.slug),
        )

    assert found[("monitoring_monitor_location_up", labels("local"))] == 1.0
    assert found[("monitoring_monitor_location_up", labels("eu"))] == 0.0
    assert found[("monitoring_monitor_location_response_time_ms", labels("local"))] == 20.0
    assert "secret" not in text


def test_the_dashboard_sets_locations_and_shows_a_row_per_location(owner, acme):
    from django.test import Client

    browser = Client()
    browser.force_login(owner)
    form = {
        "name": "Shop",
        "type": "port",
        "target": "db.internal",
        "port": "5432",
        "check_interval": "30",
        "timeout": "5",
        "retries": "0",
        "locations": "local, eu-west, us-east",
        "quorum": "",
    }
    assert browser.post("/monitors/new", form).status_code == 302
    monitor = Monitor.objects.get(name="Shop")
    assert (monitor.locations, monitor.quorum, monitor.quorum_needed) == (
        ["local", "eu-west", "us-east"],
        None,
        2,
    )
    bad = browser.post(
        "/monitors/new", {**form, "name": "Bad", "locations": "Office Berlin"}
    ).content.decode()
    assert "is not a location name" in bad and not Monitor.objects.filter(name="Bad").exists()
    make_probe(acme, "probe-eu", ["eu-west"])
    record(monitor, "local", OK)
    record(monitor, "eu-west", FAIL)
    page = browser.get(f"/monitors/{monitor.pk}").content.decode()
    table = page.split('id="monitor-locations"')[1].split("</table>")[0]
    assert table.count("<tr data-location=") == 3
    assert 'data-location="eu-west"' in table and "probe-eu" in table and "HTTP 503" in table
    assert "no probe" in table.split('data-location="us-east"')[1]  # nobody serves us-east yet
    assert "Down when 2 of 3 locations see it down" in page
    edit = browser.get(f"/monitors/{monitor.pk}/edit").content.decode()
    assert 'value="local, eu-west, us-east"' in edit
    single = Monitor.objects.create(
        organization=acme, name="Plain", type="website", target="https://p.example"
    )
    assert 'id="monitor-locations"' not in browser.get(f"/monitors/{single.pk}").content.decode()


def test_metrics_and_alert_rules_scope_to_a_location(acme, member_client):
    from monitoring_site.metrics.selectors import metric_value

    monitor = make_monitor(acme, ["local", "eu"])
    record(monitor, "local", CheckOutcome(ok=True, response_time_ms=10.0))
    record(monitor, "eu", CheckOutcome(ok=True, response_time_ms=300.0))
    window = {"start": timezone.now() - timedelta(minutes=5), "end": timezone.now() + timedelta(seconds=1)}

    def value(name, **scope):
        return metric_value(organization_id=acme.pk, name=name, scope=scope, **window)

    assert value("response_time_ms", monitor_id=monitor.pk) == 155.0
    assert value("response_time_ms", monitor_id=monitor.pk, location="eu") == 300.0
    assert value("uptime_percent", location="local") == 100.0
    rule = {
        "name": "slow from eu",
        "condition": {"metric": "response_time_ms", "operator": "gt", "threshold": 200},
        "severity": "warning",
        "scope": {"monitor_id": monitor.pk, "location": "eu"},
        "recipients": ["oncall@example.com"],
    }
    created = data_of(member_client.post("/api/v1/alert-rules", rule, format="json"), 201)
    assert created["alert_rule"]["scope"] == {"monitor_id": monitor.pk, "location": "eu"}
    wrong = {**rule, "condition": {**rule["condition"], "metric": "cert_days_left"}}
    error = assert_error(member_client.post("/api/v1/alert-rules", wrong, format="json"), 400, INVALID)
    assert "location" in str(error["details"]["scope"])
    bad = {**rule, "scope": {"location": 5}}
    assert_error(member_client.post("/api/v1/alert-rules", bad, format="json"), 400, INVALID)


def test_a_status_page_can_show_each_locations_state(acme, member_client):
    from django.test import Client

    monitor = make_monitor(acme, ["local", "eu-west"])
    single = make_monitor(acme, ["local"], name="single")
    record(monitor, "local", OK)
    record(monitor, "eu-west", FAIL)
    body = {
        "name": "Acme",
        "slug": "acme",
        "components": [{"monitor_id": monitor.pk}, {"monitor_id": single.pk}],
    }
    page = data_of(member_client.post("/api/v1/status-pages", body, format="json"), 201)["status_page"]
    assert page["show_locations"] is False
    anyone = Client()
    shown = data_of(anyone.get("/api/v1/public/status-pages/acme"))["status_page"]
    assert [c["locations"] for c in shown["groups"][0]["components"]] == [[], []]  # off by default
    member_client.patch(f"/api/v1/status-pages/{page['id']}", {"show_locations": True}, format="json")
    shown = data_of(anyone.get("/api/v1/public/status-pages/acme"))["status_page"]
    regions, plain = shown["groups"][0]["components"]
    assert regions["locations"] == [
        {"location": "local", "status": "up"},
        {"location": "eu-west", "status": "down"},
    ]
    assert plain["locations"] == []
    html = anyone.get("/status/acme").content.decode()
    assert 'data-location="eu-west">eu-west: down</span>' in html


def test_a_host_monitor_has_only_the_local_location(acme):
    from monitoring_site.errors import RuleViolation

    with pytest.raises(RuleViolation) as caught:
        monitor_create(
            organization=acme, new=NewMonitor(name="h", type="host", target="web-1", locations=["eu"])
        )
    assert "locations" in caught.value.details


def test_a_lost_probe_that_heartbeats_again_raises_probe_recovered(acme):
    from jobs.services.runners import runner_heartbeat

    make_monitor(acme, ["local", "eu"])
    probe, _ = make_probe(acme, "probe-eu", ["eu"])
    jobs_sweep(now=timezone.now() + timedelta(minutes=10))
    runner_heartbeat(runner=Runner.objects.get(pk=probe.pk))
    assert Runner.objects.get(pk=probe.pk).lost_at is None
    assert list(Event.objects.order_by("occurred_at").values_list("name", flat=True)) == [
        "probe.lost",
        "probe.recovered",
    ]
    runner_heartbeat(runner=Runner.objects.get(pk=probe.pk))
    assert Event.objects.filter(name="probe.recovered").count() == 1


def test_a_result_keeps_the_schedule_the_claim_set_and_a_retry_comes_sooner(acme):
    steady = make_monitor(acme, ["eu"], check_interval=60)
    retrying = make_monitor(acme, ["eu"], name="retrying", check_interval=60, retries=1, retry_interval=15)
    probe, _ = make_probe(acme, "probe-eu", ["eu"])
    now = timezone.now()
    claimed = {c["monitor_id"]: c for c in probe_checks_claim(runner=probe, now=now)}
    scheduled = {pk: MonitorLocation.objects.get(pk=c["id"]).next_check_at for pk, c in claimed.items()}
    results = [
        {"id": claimed[steady.pk]["id"], "due": _due(claimed[steady.pk]), "ok": True},
        {"id": claimed[retrying.pk]["id"], "due": _due(claimed[retrying.pk]), "ok": False},
    ]
    assert probe_results_record(runner=probe, results=results, now=now)["accepted"] == 2
    assert MonitorLocation.objects.get(pk=claimed[steady.pk]["id"]).next_check_at == scheduled[steady.pk]
    sooner = MonitorLocation.objects.get(pk=claimed[retrying.pk]["id"])
    assert sooner.next_check_at == now + timedelta(seconds=15) and sooner.status == "pending"
