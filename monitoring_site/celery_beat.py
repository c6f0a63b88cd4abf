"""Beat's scheduler: Celery's in-memory scheduler that sends only while it holds the beat lease
(``monitoring_site.beat_lease``) and stamps a heartbeat key on each tick.

The schedule lives in code (``monitoring_site/celery.py``) and every object's due time in the database, so
beat keeps no state worth persisting and any node's beat can take over. A standby keeps its entries'
last-run times from its start: on taking over, every trigger whose interval has passed fires at once, once,
then keeps its schedule. ``/health`` reads the heartbeat's age to tell whether a beat sends.
"""

from __future__ import annotations

import logging
import time

from celery.beat import Scheduler

from monitoring_site.beat_lease import BeatLease

logger = logging.getLogger(__name__)


class HeartbeatScheduler(Scheduler):
    heartbeat_every = 2.0
    standby_poll = 1.0  # how often a standby tries the lease: the takeover time after the holder's death

    def __init__(self, *args, **kwargs):
        self._last_beat = 0.0
        self.lease = BeatLease.from_settings()
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not self.lease.held():
            return self.standby_poll
        now = time.monotonic()
        if now - self._last_beat >= self.heartbeat_every:
            self._last_beat = now
            from monitoring_site.health import scheduler_heartbeat_record

            try:
                scheduler_heartbeat_record(self.lease.name)
            except Exception:  # Redis away: beat keeps scheduling, health will report it
                logger.warning("could not record the scheduler heartbeat", exc_info=True)
        return min(super().tick(*args, **kwargs), self.heartbeat_every)

    def close(self):
        self.lease.release()
        super().close()
