"""Is the worker running a local job still there? The watcher of a running job refreshes a short-lived
Redis key every poll (about once a second), whatever the database is doing; the sweep declares a job lost
only when that key is missing on two sweeps in a row. A database outage therefore never makes a running
job "lost" (the key lives in Redis), a killed worker is noticed within about two sweeps instead of the
task's whole timeout, and a Redis flush (which drops the keys for a second, until the next poll) cannot
fail a job either: the first miss only marks it suspect, and the suspect mark went with the flush.

While Redis cannot be reached nothing is declared lost: the sweep cannot tell, and a job declared lost
that was in fact running would run twice after its retry.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from typing import Any

import redis
from django.conf import settings

from monitoring_site.redis_client import get_redis, key

logger = logging.getLogger(__name__)


def _alive(job_id: int) -> str:
    return key("job", "alive", str(job_id))


def _suspect(job_id: int) -> str:
    return key("job", "suspect", str(job_id))


def job_alive_mark(job_id: int) -> None:
    """The job's worker is alive (called on every poll of the running job)."""
    try:
        get_redis().set(_alive(job_id), "1", ex=settings.JOBS_LIVENESS_SECONDS)
    except redis.RedisError as exc:  # the job goes on; the sweep will not fail it while Redis is away
        logger.warning("job %s: liveness not recorded (%s)", job_id, exc)


def job_alive_clear(job_id: int) -> None:
    """Forget the job's liveness keys (it finished); Redis away is not an error here."""
    with contextlib.suppress(redis.RedisError):
        get_redis().delete(_alive(job_id), _suspect(job_id))


def jobs_gone(job_ids: Iterable[int]) -> list[int] | None:
    """Of ``job_ids`` (local jobs in progress), those whose worker is gone: no liveness key now, and none
    at the previous sweep either. ``None`` when Redis cannot be asked."""
    ids = list(job_ids)
    if not ids:
        return []
    client = get_redis()
    try:
        alive: Any = client.mget([_alive(i) for i in ids])
        suspects: Any = client.mget([_suspect(i) for i in ids])
        gone: list[int] = []
        first_miss: list[int] = []
        for job_id, is_alive, was_suspect in zip(ids, alive, suspects, strict=True):
            if is_alive:
                continue
            (gone if was_suspect else first_miss).append(job_id)
        if first_miss:
            pipe = client.pipeline()
            for job_id in first_miss:
                pipe.set(_suspect(job_id), "1", ex=settings.JOBS_LIVENESS_SECONDS * 4)
            pipe.execute()
        return gone
    except redis.RedisError as exc:
        logger.warning("jobs sweep: liveness unknown (%s); no job is declared lost", exc)
        return None
