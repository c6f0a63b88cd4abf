"""Beat's scheduler: Celery's in-memory scheduler that also stamps a heartbeat key on each tick.

The schedule lives in code (``monitoring_site/celery.py``) and every object's due time in the database, so
beat keeps no state worth persisting; ``/health`` reads the heartbeat's age to tell whether beat runs.
"""

from __future__ import annotations

import logging
import time

from celery.beat import Scheduler

logger = logging.getLogger(__name__)


class HeartbeatScheduler(Scheduler):
    heartbeat_every = 2.0

    def __init__(self, *args, **kwargs):
        self._last_beat = 0.0
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last_beat >= self.heartbeat_every:
            self._last_beat = now
            from monitoring_site.health import scheduler_heartbeat_record

            try:
                scheduler_heartbeat_record()
            except Exception:  # Redis away: beat keeps scheduling, health will report it
                logger.warning("could not record the scheduler heartbeat", exc_info=True)
        return min(super().tick(*args, **kwargs), self.heartbeat_every)
