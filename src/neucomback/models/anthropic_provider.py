"""Anthropic's Messages API (optional extra: `pip install neucomback[anthropic]`).

Same behaviour as the OpenAI provider: SDK retries off, our retry loop, a request timeout,
a per-loop client and semaphore. Differences of the API handled here: system messages go
in the separate `system` field, `max_tokens` is required, there is no seed, and newer
models refuse temperature and top_p together (top_p is only sent when it is not 1).
"""

from __future__ import annotations

import asyncio
import importlib
import os
import threading
import time
import weakref
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..errors import UsageError
from .accounting import Prices, cost
from .base import GenParams, Message, Reply
from .openai_provider import resolve_key
from .retry import RetryPolicy, Transient, classify_sdk_error, with_retries

DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"


def import_sdk() -> ModuleType:
    """The anthropic package, or a UsageError saying how to install it."""
    try:
        return importlib.import_module("anthropic")
    except ImportError:
        raise UsageError("the anthropic provider needs the optional extra: pip install 'neucomback[anthropic]'") from None


def to_anthropic(messages: list[Message], params: GenParams) -> dict[str, Any]:
    """Chat messages + params -> messages.create arguments (without model)."""
    system = "\n\n".join(m["content"] for m in messages if m.get("role") == "system")
    chat = [{"role": m["role"], "content": m["content"]} for m in messages if m.get("role") != "system"]
    args: dict[str, Any] = {"messages": chat, "max_tokens": params.max_tokens, "temperature": params.temperature}
    if system:
        args["system"] = system
    if params.top_p != 1.0:
        args["top_p"] = params.top_p
        del args["temperature"]  # top_p was asked for explicitly: it wins
    if params.stop:
        args["stop_sequences"] = list(params.stop)
    return args


@dataclass
class _LoopState:
    client: Any
    semaphore: asyncio.Semaphore


class AnthropicProvider:
    """`anthropic:<model>`."""

    scripted = False

    def __init__(self, model: str, *, base_url: str | None = None, api_key_env: str | None = None,
                 timeout_s: float = 600, retry: RetryPolicy | None = None, concurrency: int = 8,
                 prices: Prices | None = None) -> None:
        self.sdk = import_sdk()
        self.model = model
        self.name = f"anthropic:{model}"
        self.base_url = base_url or os.environ.get(BASE_URL_ENV) or None
        self.key_env = api_key_env or DEFAULT_KEY_ENV
        self._api_key = resolve_key(api_key_env, DEFAULT_KEY_ENV, self.base_url, "anthropic")
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.concurrency = max(1, concurrency)
        self.prices = prices
        self.cache_scope = self.base_url or "https://api.anthropic.com"
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = weakref.WeakKeyDictionary()
        self._states_lock = threading.Lock()

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        with self._states_lock:
            state = self._states.get(loop)
            if state is None:
                client = self.sdk.AsyncAnthropic(api_key=self._api_key, base_url=self.base_url,
                                                 timeout=self.timeout_s, max_retries=0)
                state = self._states[loop] = _LoopState(client, asyncio.Semaphore(self.concurrency))
            return state

    def _classify(self, e: Exception) -> Transient | None:
        return classify_sdk_error(e, self.sdk, provider="anthropic", model=self.model, key_env=self.key_env,
                                  base_url=self.base_url)

    async def generate(self, messages: list[Message], params: GenParams) -> Reply:
        state = self._state()
        args = {"model": self.model, **to_anthropic(messages, params)}
        async with state.semaphore:
            t0 = time.perf_counter()
            msg = await with_retries(lambda: state.client.messages.create(**args), self._classify, self.retry,
                                     self.name)
            latency = time.perf_counter() - t0
        text = "".join(getattr(b, "text", "") for b in msg.content if getattr(b, "type", "") == "text")
        usage = msg.usage
        prompt_tokens = (usage.input_tokens or 0) if usage else 0
        completion_tokens = (usage.output_tokens or 0) if usage else 0
        return Reply(text=text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, latency_s=latency,
                     provider="anthropic", model=self.model, finish_reason=msg.stop_reason or "",
                     cost_usd=cost(self.name, prompt_tokens, completion_tokens, self.prices))

    async def aclose(self) -> None:
        with self._states_lock:
            state = self._states.pop(asyncio.get_running_loop(), None)
        if state is not None:
            await state.client.close()
