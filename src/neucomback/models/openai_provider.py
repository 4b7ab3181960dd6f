"""OpenAI chat completions, and any OpenAI-compatible server (vLLM, llama.cpp, Ollama, ...).

Uses the official SDK with its retries off (our loop in retry.py decides), a request timeout,
and an asyncio.Semaphore bounding calls in flight. The SDK client and the semaphore belong
to one event loop, so both are created per running loop: a provider object survives being
used from several `asyncio.run` calls.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import openai

from .accounting import Prices, cost
from .base import GenParams, Message, ModelAuthError, Reply
from .loopstate import PerLoop
from .ratelimit import RateLimit
from .retry import RetryPolicy, Transient, classify_sdk_error, list_sdk_models, with_retries

DEFAULT_KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"
NO_KEY = "EMPTY"  # what local servers conventionally accept when they need no key
# Reasoning models reject temperature/top_p other than their defaults: do not send them.
REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")
# The mock server stamps this; replies carrying it are marked scripted (see mockserver.py).
SCRIPTED_FINGERPRINT = "neucomback-mockserver"



def resolve_key(key_env: str | None, default_env: str, base_url: str | None, provider: str) -> str:
    """The API key from the environment; "EMPTY" for a custom server when the default variable
    is unset. An explicitly named variable that is unset is always an error."""
    env = key_env or default_env
    key = os.environ.get(env, "").strip()
    if key:
        return key
    if base_url and key_env is None:
        return NO_KEY
    hint = "" if base_url else " (or point --base-url at an OpenAI-compatible server that needs no key)"
    raise ModelAuthError(f"no API key for {provider}: set the environment variable {env}{hint}")


class OpenAIProvider:
    """`openai:<model>` against api.openai.com or `base_url`."""

    scripted = False

    def __init__(self, model: str, *, base_url: str | None = None, api_key_env: str | None = None,
                 timeout_s: float = 600, retry: RetryPolicy | None = None, concurrency: int = 8,
                 prices: Prices | None = None, options: dict[str, Any] | None = None,
                 rpm: float | None = None) -> None:
        self.model = model
        self.name = f"openai:{model}"
        self.base_url = base_url or os.environ.get(BASE_URL_ENV) or None
        self.key_env = api_key_env or DEFAULT_KEY_ENV
        self._api_key = resolve_key(api_key_env, DEFAULT_KEY_ENV, self.base_url, "openai")
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.concurrency = max(1, concurrency)
        self.prices = prices
        self.options = dict(options or {})  # -M key=value: sent in every request body as given
        self.rate = RateLimit(rpm)
        self.where = self.base_url or "https://api.openai.com/v1"
        # Part of cache keys: the same model name on two servers, or with other request
        # options, is not the same model.
        self.cache_scope = self.where + (f" {json.dumps(self.options, sort_keys=True)}" if self.options else "")
        self._loops: PerLoop[openai.AsyncOpenAI] = PerLoop(self._make_client, concurrency)

    def request_args(self, messages: list[Message], params: GenParams) -> dict[str, Any]:
        """The chat.completions.create arguments (public so tests can check what is sent)."""
        args: dict[str, Any] = {"model": self.model, "messages": messages}
        if not self.model.startswith(REASONING_PREFIXES):
            args["temperature"] = params.temperature
            if params.top_p != 1.0:
                args["top_p"] = params.top_p
        # api.openai.com deprecated max_tokens (reasoning models reject it); many local servers
        # only know max_tokens.
        official = not self.base_url or "api.openai.com" in self.base_url
        args["max_completion_tokens" if official else "max_tokens"] = params.max_tokens
        if params.seed is not None:
            args["seed"] = params.seed
        if params.stop:
            args["stop"] = list(params.stop)
        if self.options:
            args["extra_body"] = dict(self.options)
        return args

    def _make_client(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(api_key=self._api_key, base_url=self.base_url, timeout=self.timeout_s,
                                  max_retries=0)

    def _classify(self, e: Exception) -> Transient | None:
        return classify_sdk_error(e, openai, provider="openai", model=self.model, key_env=self.key_env,
                                  base_url=self.base_url)

    async def generate(self, messages: list[Message], params: GenParams) -> Reply:
        state = await self._loops.get()
        args = self.request_args(messages, params)
        async with state.semaphore:
            t0 = time.perf_counter()
            async def call() -> Any:
                await self.rate.wait()
                return await state.client.chat.completions.create(**args)

            completion = await with_retries(call, self._classify, self.retry, self.name)
            latency = time.perf_counter() - t0
        choice = completion.choices[0] if completion.choices else None
        usage = completion.usage
        prompt_tokens = usage.prompt_tokens if usage else 0
        completion_tokens = usage.completion_tokens if usage else 0
        return Reply(
            text=(choice.message.content if choice else None) or "",
            prompt_tokens=prompt_tokens or 0,
            completion_tokens=completion_tokens or 0,
            latency_s=latency,
            provider="openai",
            model=self.model,
            finish_reason=(choice.finish_reason if choice else None) or "",
            scripted=(completion.system_fingerprint or "").startswith(SCRIPTED_FINGERPRINT),
            cost_usd=cost(self.name, prompt_tokens or 0, completion_tokens or 0, self.prices),
        )

    async def list_models(self) -> list[str]:
        """The model ids the server offers (GET <base>/models): one cheap request."""
        return await list_sdk_models(openai.AsyncOpenAI(api_key=self._api_key, base_url=self.base_url,
                                                        timeout=min(self.timeout_s, 20.0), max_retries=0),
                                     self._classify, self.where, self.rate)

    async def aclose(self) -> None:
        """Close the running loop's HTTP client now (optional: asyncio.run's shutdown does it)."""
        await self._loops.aclose()
