"""Group commit: pings that arrive while a batch is being written wait together and are written together,
in one transaction, on one writer thread per process; each request is answered after its batch commits.

Under load a batch holds hundreds of pings, so the database sees a few statements per batch instead of a
transaction per ping; when idle a batch is one ping and nothing waits for a timer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connection

from monitors.services.heartbeats import PingIn, heartbeat_pings_ingest

logger = logging.getLogger(__name__)
MAX_BATCH = 500


def _write(pings: list[PingIn]) -> list[bool]:
    """On the writer thread: one transaction for the batch. The connection is handed back afterwards as a
    request's would be (to the pool on Postgres; per CONN_MAX_AGE otherwise)."""
    close_old_connections()
    try:
        return heartbeat_pings_ingest(pings)
    except Exception:
        connection.close()  # a broken connection is replaced by the next batch
        raise
    finally:
        close_old_connections()


class GroupCommit:
    def __init__(self, write: Callable[[list[PingIn]], list[bool]] = _write) -> None:
        self.write = write
        self.pending: list[tuple[PingIn, asyncio.Future]] = []
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ping-writer")
        self.loop: asyncio.AbstractEventLoop | None = None
        self.wakeup: asyncio.Event | None = None
        self.task: asyncio.Task | None = None

    async def submit(self, ping: PingIn) -> bool | None:
        """True: stored; False: unknown token (nothing stored); None: the database failed."""
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # first use, or a new event loop (tests)
            self.loop, self.wakeup, self.pending = loop, asyncio.Event(), []
            self.task = loop.create_task(self._run())
        future: asyncio.Future = loop.create_future()
        self.pending.append((ping, future))
        assert self.wakeup is not None
        self.wakeup.set()
        return await future

    async def _run(self) -> None:
        assert self.loop is not None and self.wakeup is not None
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while self.pending:
                batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
                try:
                    results: list[bool | None] = list(
                        await self.loop.run_in_executor(self.executor, self.write, [p for p, _ in batch])
                    )
                except Exception:
                    logger.exception("storing %d pings failed; they are answered 503", len(batch))
                    results = [None] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
