"""GET /metrics in the Prometheus text format: parsed back with prometheus-client's own parser; an API key
sees its organization only; no key is 401 unless PROMETHEUS_PUBLIC."""

from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from alerts.models import Alert
from monitors.models import Heartbeat, Incident, Monitor


def samples(text: str) -> dict[tuple, float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_an_api_key_scrapes_its_organization(acme, umbrella, read_key):
    shop = Monitor.objects.create(
        organization=acme,
        name="shop",
        type="website",
        target="https://shop.example",
        status="down",
        last_response_time_ms=120.5,
        uptime_24h=99.5,
        cert_days_left=20,
    )
    Monitor.objects.create(organization=umbrella, name="secret", type="port", target="x", status="up")
    beat = Heartbeat.objects.create(
        organization=acme,
        name="backup",
        token="t" * 22,
        run_interval=60,
        status="up",
        last_ping_at=timezone.now(),
    )
    Incident.objects.create(organization=acme, monitor=shop, error_message="HTTP 500")
    Incident.objects.create(organization=acme, source_type="heartbeat", heartbeat=beat)
    alert = dict(title="slow", message="slow", metric="response_time_ms", operator="gt", threshold_value=1)
    Alert.objects.create(organization=acme, severity="critical", **alert)
    Alert.objects.create(organization=acme, severity="critical", status="resolved", **alert)

    answer = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {read_key[1]}")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain; version=0.0.4")
    text = answer.content.decode()
    found = samples(text)
    shop_labels = (
        ("monitor_id", str(shop.pk)),
        ("name", "shop"),
        ("organization", acme.slug),
        ("type", "website"),
    )
    assert found[("monitoring_monitor_up", shop_labels)] == 0.0
    assert found[("monitoring_monitor_response_time_ms", shop_labels)] == 120.5
    assert (
        found[("monitoring_monitor_uptime_ratio", tuple(sorted((*shop_labels, ("period", "24h")))))] == 0.995
    )
    assert found[("monitoring_monitor_cert_days_left", shop_labels)] == 20
    beat_labels = (("heartbeat_id", str(beat.pk)), ("name", "backup"), ("organization", acme.slug))
    assert found[("monitoring_heartbeat_up", beat_labels)] == 1.0
    assert 0 <= found[("monitoring_heartbeat_last_ping_age_seconds", beat_labels)] < 60
    for source in ("monitor", "heartbeat"):
        labels = (("organization", acme.slug), ("source_type", source))
        assert found[("monitoring_open_incidents", labels)] == 1
    assert (
        found[
            (
                "monitoring_open_alerts",
                (("organization", acme.slug), ("severity", "critical"), ("status", "active")),
            )
        ]
        == 1
    )
    assert "secret" not in text and umbrella.slug not in text


def test_no_key_is_401_unless_public(acme, settings):
    Monitor.objects.create(organization=acme, name="shop", type="website", target="https://s", status="up")
    answer = Client().get("/metrics")
    assert answer.status_code == 401 and answer["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer msk_wrong").status_code == 401
    settings.PROMETHEUS_PUBLIC = True
    public = Client().get("/metrics")
    assert public.status_code == 200 and 'name="shop"' in public.content.decode()


def test_each_domain_registers_its_collector_and_another_can_join(acme, read_key):
    from prometheus_client.core import GaugeMetricFamily

    from monitoring_site import prometheus

    assert {"monitors", "alerts"} <= set(prometheus._factories)  # registered by the apps' ready()

    class Jobs:
        def __init__(self, organizations):
            self.organizations = organizations

        def collect(self):
            family = GaugeMetricFamily(
                "monitoring_test_jobs", "A domain's own figure.", labels=["organization"]
            )
            for slug in self.organizations.values():
                family.add_metric([slug], 7)
            yield family

    prometheus.register_collector("zz-test", Jobs)
    try:
        text = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {read_key[1]}").content.decode()
    finally:
        prometheus.unregister_collector("zz-test")
    assert samples(text)[("monitoring_test_jobs", (("organization", "acme"),))] == 7
    assert "zz-test" not in prometheus._factories
