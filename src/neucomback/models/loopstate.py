"""One SDK client and one concurrency semaphore per running event loop.

Both are bound to the loop they were first used in (the client's connection pool, the
semaphore's waiters), while a provider object may outlive a loop: the agent may call
`asyncio.run` once per task. So each loop gets its own pair, and the client is closed when
the loop shuts down (see `_closer`) instead of leaking its sockets.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

C = TypeVar("C")


@dataclass
class LoopState(Generic[C]):
    client: C
    semaphore: asyncio.Semaphore
    closer: AsyncGenerator[None, None]


async def _closer(client: Any) -> AsyncGenerator[None, None]:
    """Parked at its yield for the loop's lifetime. asyncio.run() finalises every live async
    generator of the loop before closing it (loop.shutdown_asyncgens), which runs this
    finally: the client is closed inside its own loop, as it must be."""
    try:
        yield
    finally:
        await client.close()


class PerLoop(Generic[C]):
    """Lazily creates `make_client()` and a Semaphore(concurrency) for each running loop."""

    def __init__(self, make_client: Callable[[], C], concurrency: int) -> None:
        self._make_client = make_client
        self._concurrency = max(1, concurrency)
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopState[C]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # loops in different threads may share the provider

    async def get(self) -> LoopState[C]:
        loop = asyncio.get_running_loop()
        with self._lock:
            state = self._states.get(loop)
            if state is not None:
                return state
            client = self._make_client()
            state = self._states[loop] = LoopState(client, asyncio.Semaphore(self._concurrency), _closer(client))
        await anext(state.closer)  # first iteration registers it with this loop's finaliser
        return state

    async def aclose(self) -> None:
        """Close the running loop's client now (optional: loop shutdown does it too)."""
        with self._lock:
            state = self._states.pop(asyncio.get_running_loop(), None)
        if state is not None:
            await state.closer.aclose()
