"""The Celery application: configuration comes from Django settings (``CELERY_*``), the beat schedule from
code below. Beat only triggers dispatchers; the database holds every object's due time (DESIGN section 2).
"""

from __future__ import annotations

import os

from celery import Celery, bootsteps
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring_site.settings")

app = Celery("monitoring_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "monitors-dispatch": {"task": "monitors.dispatch", "schedule": 2.0},
    "monitors-prune-results": {"task": "monitors.prune_results", "schedule": crontab(minute="53", hour="4")},
    "monitors-rollup": {"task": "monitors.rollup", "schedule": 60.0},
    "heartbeats-evaluate": {"task": "monitors.heartbeats_evaluate", "schedule": 5.0},
    "monitors-prune-pings": {"task": "monitors.prune_pings", "schedule": crontab(minute="47", hour="4")},
    "alerts-deliveries-sweep": {"task": "alerts.deliveries_sweep", "schedule": 5.0},
    "alerts-rules-evaluate": {"task": "alerts.rules_evaluate_due", "schedule": 5.0},
    "alerts-renotify": {"task": "alerts.alerts_renotify_due", "schedule": 30.0},
    "alerts-prune-events": {"task": "alerts.prune_events", "schedule": crontab(minute="23", hour="4")},
    "jobs-dispatch-due": {"task": "jobs.dispatch_due", "schedule": 5.0},
    "jobs-sweep": {"task": "jobs.sweep", "schedule": 15.0},
    "jobs-stats-compact": {"task": "jobs.stats_compact", "schedule": 600.0},
    "agents-evaluate-due": {"task": "agents.evaluate_due", "schedule": 10.0},
    "agents-prune": {"task": "agents.prune", "schedule": crontab(minute="11", hour="4")},
    "metrics-prune-points": {"task": "metrics.prune_points", "schedule": crontab(minute="41", hour="4")},
    "flush-expired-tokens": {
        "task": "monitoring_site.accounts.tasks.flush_expired_tokens",
        "schedule": crontab(minute="17", hour="3"),
    },
}


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes a short-lived Redis key every few seconds so ``/health`` can count live workers cheaply,
    without a broadcast ``ping`` that would make every health probe wait for a reply timeout."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        from monitoring_site.health import worker_heartbeat_record

        worker_heartbeat_record(worker.hostname)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, worker_heartbeat_record, (worker.hostname,), priority=10
        )

    def stop(self, worker):
        from monitoring_site.health import worker_heartbeat_clear

        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        worker_heartbeat_clear(worker.hostname)


app.steps["worker"].add(WorkerHeartbeat)
