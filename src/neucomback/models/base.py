"""The contract between the agent and the things that write assembly ("models").

A Provider turns a chat (a list of messages) plus sampling parameters into a Reply. Real
LLMs, the reference compiler (llc) and scripted stand-ins all implement the same Protocol,
so the agent never knows which one it talks to, except through `scripted`, which every
output must show.

Failures of the service (auth, unknown model, exhausted retries, budget) are ModelErrors.
A reply that contains no usable assembly is *not* an error: it is a Reply, and the
evaluator turns it into a candidate failure.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Protocol, runtime_checkable

from ..errors import NeuComBackError

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": str}

ROLES = ("system", "user", "assistant")


@dataclass(frozen=True)
class GenParams:
    """Sampling parameters. `seed` None and `stop` () mean "do not send" to the service.

    Identical params give identical cache keys. `sample` (0, 1, ...) is never sent: it is
    the index of a repeated sample (--epochs), part of the cache key so that the K samples of
    a task are K requests, not one request and K-1 cache hits.
    """

    temperature: float = 0.0
    max_tokens: int = 8192
    top_p: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    sample: int = 0

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"temperature": self.temperature, "max_tokens": self.max_tokens, "top_p": self.top_p,
                             "seed": self.seed, "stop": list(self.stop)}
        if self.sample:  # absent for the first sample: cache keys of runs without epochs stay as they were
            d["sample"] = self.sample
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GenParams:
        return cls(temperature=float(d.get("temperature", 0.0)), max_tokens=int(d.get("max_tokens", 8192)),
                   top_p=float(d.get("top_p", 1.0)), seed=d.get("seed"), stop=tuple(d.get("stop", ())),
                   sample=int(d.get("sample", 0)))

    def for_sample(self, sample: int) -> GenParams:
        """The params of repeated sample `sample`: its own cache key and, when a seed is set,
        its own seed (seed + sample), so that a seeded service draws a different sample."""
        if sample == 0:
            return self
        return replace(self, sample=sample, seed=None if self.seed is None else self.seed + sample)


@dataclass
class Reply:
    """One answer of a provider, with what it cost.

    `latency_s` is the wall time of the call including retries and backoff (not the wait
    for a concurrency slot). `scripted` is True when no model produced the text (scripted
    provider, mock server): reports must show it. `cached` is True for cache hits, which
    cost nothing and take no time.
    """

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    provider: str = ""
    model: str = ""
    finish_reason: str = ""
    cached: bool = False
    scripted: bool = False
    cost_usd: float = 0.0

    def __post_init__(self) -> None:
        # Where text enters from a provider (or a cache, or a store): make it storable and
        # sendable whatever the service returned, and of a bounded size (it is stored once per
        # round and re-sent in every later round of the conversation).
        self.text = cap_text(clean_text(self.text))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Reply:
        """Inverse of to_json; unknown keys (from a newer version) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@runtime_checkable
class Provider(Protocol):
    """Anything that answers chats. `name` is "provider:model", e.g. "openai:gpt-4o".

    `generate` raises only ModelError subclasses for service failures (and ToolMissingError
    for the llc provider); it is safe to call concurrently from one event loop.
    """

    name: str
    scripted: bool

    async def generate(self, messages: list[Message], params: GenParams) -> Reply: ...


class ModelError(NeuComBackError):
    """The model service failed (not the model's answer: that is always a Reply)."""


class ModelAuthError(ModelError):
    """The API key is missing or rejected."""


class ModelNotFoundError(ModelError):
    """The service does not know the requested model (or the base URL is wrong)."""


class ModelUnavailableError(ModelError):
    """Transient failures (429, 5xx, timeouts, connection errors) outlasted the retries."""


class BudgetExceeded(ModelError):
    """The spending limit was reached; no further paid calls may start."""


_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r"} | {0x7F: None}
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(text: Any) -> str:
    """Reply text as valid, printable UTF-8: lone surrogates become U+FFFD, NUL and other
    control characters (but tab, newline, carriage return) are dropped, non-strings are ""."""
    if not isinstance(text, str):
        return text.decode("utf-8", errors="replace") if isinstance(text, bytes) else ""
    if not _UNCLEAN.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text).translate(_CONTROL)


MAX_REPLY_CHARS = 1_000_000  # far above any assembly file a task needs (the assembler takes 4 MiB)
CUT_NOTE = "\n[reply cut here: it was longer than {n:,} characters]\n"


def cap_text(text: str, limit: int = MAX_REPLY_CHARS) -> str:
    """`text` cut to `limit` characters, with a note saying so."""
    if len(text) <= limit:
        return text
    return text[:limit] + CUT_NOTE.format(n=limit)


def last_user_text(messages: list[Message]) -> str:
    """Content of the last user message, or "" when there is none."""
    for m in reversed(messages):
        if m.get("role") == "user":
            return m.get("content") or ""
    return ""


def split_spec(spec: str) -> tuple[str, str]:
    """Split "provider:model" at the first colon (models may contain colons, e.g. "qwen:7b")."""
    provider, _, model = spec.partition(":")
    return provider.strip().lower(), model.strip()
