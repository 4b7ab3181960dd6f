"""A requests-per-minute limit for one provider, shared by all its calls in all event loops.

Requests are spaced evenly (one every 60/rpm seconds, no bursts): a server's per-minute
quota is never exceeded in any window, and a retry counts as a request, because the server
counts it too."""

from __future__ import annotations

import asyncio
import threading
import time


class RateLimit:
    """`await limit.wait()` before each request; `rpm` None or 0 means no limit."""

    def __init__(self, rpm: float | None) -> None:
        if rpm is not None and rpm < 0:
            raise ValueError("requests per minute must be >= 0")
        self.interval = 60.0 / rpm if rpm else 0.0
        self._next = 0.0
        self._lock = threading.Lock()  # a plain lock: the slot is taken without awaiting

    async def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
