"""Anthropic's Messages API (optional extra: `pip install neucomback[anthropic]`).

Same behaviour as the OpenAI provider: SDK retries off, our retry loop, a request timeout,
a per-loop client and semaphore. Differences of the API handled here: system messages go
in the separate `system` field, `max_tokens` is required, and there is no seed. Sampling
parameters are never sent: Anthropic deprecated `temperature` and `top_p` (recent models
answer 400 when they are present, and recent SDKs no longer accept them), so
GenParams.temperature, top_p and seed have no effect here.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from types import ModuleType
from typing import Any

from ..errors import UsageError
from .accounting import Prices, cost
from .base import GenParams, Message, Reply
from .loopstate import PerLoop
from .openai_provider import resolve_key
from .ratelimit import RateLimit
from .retry import RetryPolicy, Transient, classify_sdk_error, list_sdk_models, with_retries

DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"


def import_sdk() -> ModuleType:
    """The anthropic package, or a UsageError saying how to install it."""
    try:
        return importlib.import_module("anthropic")
    except ImportError:
        raise UsageError("the anthropic provider needs the optional extra: "
                         "pip install 'neucomback[anthropic]'") from None


def to_anthropic(messages: list[Message], params: GenParams) -> dict[str, Any]:
    """Chat messages + params -> messages.create arguments (without model)."""
    system = "\n\n".join(m["content"] for m in messages if m.get("role") == "system")
    chat = [{"role": m["role"], "content": m["content"]} for m in messages if m.get("role") != "system"]
    args: dict[str, Any] = {"messages": chat, "max_tokens": params.max_tokens}
    if system:
        args["system"] = system
    if params.stop:
        args["stop_sequences"] = list(params.stop)
    return args



class AnthropicProvider:
    """`anthropic:<model>`."""

    scripted = False

    def __init__(self, model: str, *, base_url: str | None = None, api_key_env: str | None = None,
                 timeout_s: float = 600, retry: RetryPolicy | None = None, concurrency: int = 8,
                 prices: Prices | None = None, options: dict[str, Any] | None = None,
                 rpm: float | None = None) -> None:
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
        self.options = dict(options or {})  # -M key=value: sent in every request body as given
        self.rate = RateLimit(rpm)
        self.where = self.base_url or "https://api.anthropic.com"
        self.cache_scope = self.where + (f" {json.dumps(self.options, sort_keys=True)}" if self.options else "")
        self._loops: PerLoop[Any] = PerLoop(self._make_client, concurrency)

    def _make_client(self) -> Any:
        return self.sdk.AsyncAnthropic(api_key=self._api_key, base_url=self.base_url, timeout=self.timeout_s,
                                       max_retries=0)

    def _classify(self, e: Exception) -> Transient | None:
        return classify_sdk_error(e, self.sdk, provider="anthropic", model=self.model, key_env=self.key_env,
                                  base_url=self.base_url)

    async def generate(self, messages: list[Message], params: GenParams) -> Reply:
        state = await self._loops.get()
        args = {"model": self.model, **to_anthropic(messages, params)}
        if self.options:
            args["extra_body"] = dict(self.options)

        async def call() -> Any:
            await self.rate.wait()
            return await state.client.messages.create(**args)

        async with state.semaphore:
            t0 = time.perf_counter()
            msg = await with_retries(call, self._classify, self.retry, self.name)
            latency = time.perf_counter() - t0
        text = "".join(getattr(b, "text", "") for b in msg.content if getattr(b, "type", "") == "text")
        usage = msg.usage
        prompt_tokens = (usage.input_tokens or 0) if usage else 0
        completion_tokens = (usage.output_tokens or 0) if usage else 0
        return Reply(text=text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, latency_s=latency,
                     provider="anthropic", model=self.model, finish_reason=msg.stop_reason or "",
                     cost_usd=cost(self.name, prompt_tokens, completion_tokens, self.prices))

    async def list_models(self) -> list[str]:
        """The model ids the service offers (GET /v1/models): one cheap request."""
        client = self.sdk.AsyncAnthropic(api_key=self._api_key, base_url=self.base_url,
                                         timeout=min(self.timeout_s, 20.0), max_retries=0)
        return await list_sdk_models(client, self._classify, self.where, self.rate)

    async def aclose(self) -> None:
        """Close the running loop's HTTP client now (optional: asyncio.run's shutdown does it)."""
        await self._loops.aclose()
