"""Heartbeat services with a fixed ``now``: pings of every kind, late and down, start without finish,
run durations paired by rid, cron schedules in a time zone across a DST change."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import Event, NotificationChannel
from monitoring_site.errors import RuleViolation
from monitors.inputs import NewHeartbeat
from monitors.models import Heartbeat, HeartbeatPing, Incident
from monitors.services.heartbeats import (
    PingIn,
    heartbeat_create,
    heartbeat_pause,
    heartbeat_pings_ingest,
    heartbeats_evaluate_due,
    next_expected,
)

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def channel(acme):
    return NotificationChannel.objects.create(
        organization=acme, name="ops", kind="email", config={"to": ["o@x.co"]}
    )


@pytest.fixture
def beat(acme, channel):
    return heartbeat_create(
        organization=acme,
        new=NewHeartbeat(name="backup", run_interval=3600, grace_period=600, notifications=[channel.pk]),
    )


def ping(beat, kind="success", seconds=0, **extra):
    found = heartbeat_pings_ingest([PingIn(beat.token, kind, T0 + timedelta(seconds=seconds), **extra)])
    beat.refresh_from_db()
    return found


def events():
    return list(Event.objects.order_by("occurred_at").values_list("name", flat=True))


def test_up_late_down_and_back_with_one_incident(beat, channel):
    assert ping(beat) == [True]
    assert beat.status == "up" and beat.late_at == T0 + timedelta(hours=1)
    assert beat.down_at == T0 + timedelta(hours=1, minutes=10)
    assert heartbeats_evaluate_due(now=T0 + timedelta(minutes=59)) == {"late": 0, "down": 0}
    assert heartbeats_evaluate_due(now=T0 + timedelta(minutes=61)) == {"late": 1, "down": 0}
    assert Heartbeat.objects.get().status == "late"
    assert heartbeats_evaluate_due(now=T0 + timedelta(minutes=71)) == {"late": 0, "down": 1}
    assert heartbeats_evaluate_due(now=T0 + timedelta(minutes=72)) == {"late": 0, "down": 0}
    incident = Incident.objects.get()
    assert incident.source_type == "heartbeat" and incident.heartbeat_id == beat.pk
    assert incident.error_message == "No ping since 2026-06-01 12:00:00 UTC."
    assert events() == ["heartbeat.down", "incident.created"]
    down = Event.objects.get(name="heartbeat.down")
    assert down.body["heartbeat"]["status"] == "down" and down.channel_ids == [channel.pk]
    ping(beat, seconds=75 * 60)
    incident.refresh_from_db()
    assert beat.status == "up" and incident.status == "resolved"
    assert events()[-2:] == ["heartbeat.up", "incident.resolved"]


def test_a_started_job_that_never_finishes_goes_down_after_its_grace(beat):
    ping(beat)
    ping(beat, "start", 3600)
    assert beat.status == "started" and beat.down_at == T0 + timedelta(hours=1, minutes=10)
    heartbeats_evaluate_due(now=T0 + timedelta(hours=1, minutes=11))
    assert Incident.objects.get().error_message == "Started but did not finish within its grace period."


def test_fail_and_exit_status_go_down_at_once_and_log_changes_nothing(beat):
    ping(beat)
    ping(beat, "log", 10, body="half way")
    assert beat.status == "up" and beat.last_ping_at == T0
    ping(beat, "fail", 20, exit_status=3)
    assert beat.status == "down"
    assert Incident.objects.get().error_message == "The job reported exit status 3."
    ping(beat, "fail", 30)  # still down: no second incident
    assert Incident.objects.count() == 1 and events().count("heartbeat.down") == 1
    assert list(HeartbeatPing.objects.order_by("received_at").values_list("kind", flat=True)) == [
        "success",
        "log",
        "fail",
        "fail",
    ]


def test_durations_pair_start_and_end_by_rid_or_by_the_last_start(beat):
    first, second = uuid.uuid4(), uuid.uuid4()
    ping(beat, "start", 0, rid=first)
    ping(beat, "start", 5, rid=second)
    ping(beat, "success", 12, rid=first)
    assert beat.last_duration == 12
    ping(beat, "success", 20, rid=second)
    assert beat.last_duration == 15
    ping(beat, "start", 100)
    ping(beat, "success", 130)
    assert beat.last_duration == 30
    durations = HeartbeatPing.objects.exclude(duration=None).order_by("received_at")
    assert list(durations.values_list("duration", flat=True)) == [12, 15, 30]


def test_a_batch_applies_pings_in_order_and_reports_unknown_tokens(beat):
    found = heartbeat_pings_ingest(
        [
            PingIn(beat.token, "start", T0),
            PingIn("x" * 22, "success", T0),
            PingIn(beat.token, "success", T0 + timedelta(seconds=9)),
        ]
    )
    beat.refresh_from_db()
    assert found == [True, False, True] and beat.last_duration == 9 and beat.status == "up"
    assert HeartbeatPing.objects.count() == 2


def test_a_paused_heartbeat_records_pings_and_stays_paused(beat):
    heartbeat_pause(heartbeat=beat)
    ping(beat, "fail")
    assert beat.status == "paused" and not Incident.objects.exists() and HeartbeatPing.objects.count() == 1


def test_cron_follows_the_time_zone_across_daylight_saving(acme):
    beat = heartbeat_create(
        organization=acme,
        new=NewHeartbeat(name="report", cron="0 9 * * *", timezone="America/New_York", grace_period=60),
    )
    saturday_9am_est = datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
    assert next_expected(beat, saturday_9am_est) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 9:00 EDT
    heartbeat_pings_ingest([PingIn(beat.token, "success", saturday_9am_est)])
    beat.refresh_from_db()
    assert beat.late_at == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    assert beat.down_at == datetime(2026, 3, 8, 13, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "x"}, "run_interval"),
        ({"name": "x", "run_interval": 60, "cron": "* * * * *"}, "run_interval"),
        ({"name": "x", "cron": "every day"}, "cron"),
        ({"name": "x", "cron": "0 * * * *", "timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_stored(acme, data, field):
    with pytest.raises(RuleViolation) as caught:
        heartbeat_create(organization=acme, new=NewHeartbeat.of(data))
    assert field in caught.value.details and not Heartbeat.objects.exists()


def test_a_ping_token_never_starts_with_a_dash():
    """The SDK's `monitoring ping <token>` read a token starting with "-" as an option (a 1-in-64 flake)."""
    from monitors.services.heartbeats import heartbeat_token

    assert not any(heartbeat_token().startswith("-") for _ in range(2000))
