"""A persistent, content-addressed cache of model replies (SQLite, WAL mode).

The key is a sha256 over the provider name, the model, the endpoint (base URL, or llc's
version), the messages and the GenParams JSON: change anything that can change the answer
and the key changes. A hit costs nothing and takes no time, which is what the Reply says
(`cached=True`, cost 0, latency 0), so budgets and reports stay honest.

Temperature > 0 does not bypass the cache: identical requests get the stored sample. Vary
`GenParams.seed` to draw distinct samples.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ..cache import cache_root
from .base import GenParams, Message, Provider, Reply, split_spec

SCHEMA_VERSION = 1


def cache_key(provider_name: str, messages: list[Message], params: GenParams, scope: str = "") -> str:
    """Hex sha256 of a canonical JSON of everything that determines a reply."""
    provider, model = split_spec(provider_name)
    doc: dict[str, Any] = {"v": SCHEMA_VERSION, "provider": provider, "name": provider_name, "model": model,
                           "scope": scope, "messages": messages, "params": params.to_json()}
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class ResponseCache:
    """key -> Reply in one SQLite file. Thread-safe; several processes may share the file.

    One connection guarded by a lock (SQLite serialises writers anyway); every put is its own
    transaction, so a crash never leaves a partial entry.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else cache_root() / "responses.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable up to the last commit
            self._conn.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, provider TEXT NOT NULL, "
                               "reply TEXT NOT NULL, created REAL NOT NULL)")

    def get(self, key: str) -> Reply | None:
        with self._lock:
            row = self._conn.execute("SELECT reply FROM replies WHERE key = ?", (key,)).fetchone()
        return Reply.from_json(json.loads(row[0])) if row else None

    def put(self, key: str, reply: Reply) -> None:
        blob = json.dumps(reply.to_json(), sort_keys=True)
        with self._lock:
            with self._conn:  # BEGIN ... COMMIT, or ROLLBACK on error
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute("INSERT OR REPLACE INTO replies (key, provider, reply, created) "
                                   "VALUES (?, ?, ?, ?)", (key, f"{reply.provider}:{reply.model}", blob, time.time()))

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CachedProvider(Provider):
    """A provider that answers repeated requests from a ResponseCache without calling `inner`.

    Only successful replies are stored (errors are never cached). The stored Reply keeps its
    `scripted` flag, so a cached scripted reply is still shown as scripted.
    """

    def __init__(self, inner: Provider, cache: ResponseCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.scripted = inner.scripted
        self.hits = 0
        self.misses = 0

    def key(self, messages: list[Message], params: GenParams) -> str:
        return cache_key(self.name, messages, params, str(getattr(self.inner, "cache_scope", "")))

    async def generate(self, messages: list[Message], params: GenParams) -> Reply:
        k = self.key(messages, params)
        hit = await asyncio.to_thread(self.cache.get, k)  # SQLite may wait for another writer
        if hit is not None:
            self.hits += 1
            return dataclasses.replace(hit, cached=True, cost_usd=0.0, latency_s=0.0)
        self.misses += 1
        reply = await self.inner.generate(messages, params)
        await asyncio.to_thread(self.cache.put, k, reply)
        return reply
