"""Beat's lease: one holder at a time per database, taken over once the holder's session ends."""

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.db import connection

from monitoring_site.beat_lease import BeatLease, lease_connection_params
from monitoring_site.celery_beat import HeartbeatScheduler
from tests.e2e.platform import wait_for

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
needs_postgres = pytest.mark.skipif(not POSTGRES, reason="the lease is a PostgreSQL advisory lock")
KEY = 0x7465737400  # a key of the tests' own: a platform's beat on the same database never sees it


def test_on_sqlite_there_is_one_node_and_the_lease_is_always_held():
    if POSTGRES:
        assert lease_connection_params()["dbname"] == settings.DATABASES["default"]["NAME"]
    else:
        assert lease_connection_params() is None
        assert BeatLease.from_settings().held()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_holder_and_the_standby_takes_over_when_its_session_is_cut():
    first, second = (
        BeatLease(lease_connection_params(), key=KEY),
        BeatLease(lease_connection_params(), key=KEY),
    )
    try:
        assert first.held() and not second.held()
        assert first.held() and not second.held()  # the holder keeps it, the standby keeps trying
        with connection.cursor() as cursor:  # a database restart, as the holder sees it
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                [KEY & 0xFFFFFFFF],
            )
        assert not first.held()  # the holder notices on its next tick and stands down
        assert second.held()
        assert not first.held()
    finally:
        first.release()
        second.release()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_holder_killed_with_sigkill_hands_the_lease_over():
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from monitoring_site.beat_lease import BeatLease
            lease = BeatLease({lease_connection_params()!r}, key={KEY})
            assert lease.held()
            print("held", flush=True)
            time.sleep(600)
        """)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    standby = BeatLease(lease_connection_params(), key=KEY)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not standby.held()
        holder.kill()
        holder.wait()
        wait_for(standby.held, "the standby to take the lease", 10)
    finally:
        holder.kill()
        standby.release()


class RecordingScheduler(HeartbeatScheduler):
    """Beat's scheduler with the broker taken out: what it would send is written down."""

    producer = None

    def __init__(self, *args, **kwargs):
        self.sent: list[str] = []
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        self.sent.append(entry.task)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_standby_beat_sends_nothing_until_it_takes_the_lease():
    from monitoring_site.celery import app

    holder = BeatLease(lease_connection_params())
    scheduler = RecordingScheduler(app=app)
    try:
        assert holder.held()
        for entry in scheduler.schedule.values():
            entry.last_run_at = entry.last_run_at.replace(year=2000)  # every trigger overdue
        for _ in range(5):
            assert scheduler.tick() == HeartbeatScheduler.standby_poll
        assert scheduler.sent == []
        holder.release()
        for _ in range(len(scheduler.schedule) + 1):
            scheduler.tick()
        # on taking over, every overdue trigger fires once, at once
        assert sorted(scheduler.sent) == sorted(entry.task for entry in scheduler.schedule.values())
    finally:
        scheduler.close()
        holder.release()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_released_lease_is_free_at_once_for_the_standby():
    """Release unlocks before it closes: a standby polling right after never races the old backend's
    exit (the Postgres CI pass once saw a standby miss seventeen polls in a row)."""
    first, second = (
        BeatLease(lease_connection_params(), key=KEY),
        BeatLease(lease_connection_params(), key=KEY),
    )
    try:
        for _ in range(20):
            assert first.held() and not second.held()
            first.release()
            assert second.held()  # the very next try, no waiting
            first, second = second, first
    finally:
        first.release()
        second.release()
