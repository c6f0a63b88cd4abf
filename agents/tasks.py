"""Thin Celery tasks of the agents domain."""

from __future__ import annotations

from celery import shared_task

from agents.services.controls import agents_resume_due
from agents.services.retention import agents_prune
from agents.services.status import agents_evaluate_due


@shared_task(name="agents.evaluate_due")
def agents_evaluate_due_task() -> int:
    """Beat, every 10 seconds: agents whose heartbeats stopped go offline; ended pauses resume."""
    return agents_evaluate_due() + agents_resume_due()


@shared_task(name="agents.prune")
def agents_prune_task() -> int:
    """Daily: raw events, log lines and rollups past their retention, in batches."""
    return agents_prune()
