"""`make_provider("provider:model")`: the one place that turns a --model string into a Provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UsageError
from .accounting import load_prices
from .base import Provider, split_spec
from .retry import RetryPolicy

PROVIDERS = ("openai", "anthropic", "llc", "faulty", "scripted")

SPEC_HELP = (
    "a model is given as `provider:model`: openai:<model> (e.g. openai:gpt-4o), anthropic:<model> "
    "(e.g. anthropic:claude-sonnet-4-5), llc:O3 / llc:O2 / llc:O0 (the reference compiler), or "
    "faulty:llc-O3?rate=0.3&seed=1 (llc's assembly with injected mistakes in 30% of the replies: "
    "synthetic, for tests), scripted:<script.json> (canned replies for tests). For an OpenAI-compatible server (vLLM, "
    "llama.cpp, Ollama, ...) use openai:<served-model-name> with --base-url http://HOST:PORT/v1 "
    "(or OPENAI_BASE_URL); the key comes from OPENAI_API_KEY (or --api-key-env), and a local "
    "server may need none."
)


def make_provider(spec: str, *, base_url: str | None = None, api_key_env: str | None = None,
                  timeout_s: float = 600, max_retries: int = 4, concurrency: int = 8,
                  script: str | None = None, prices_path: str | Path | None = None,
                  options: dict[str, Any] | None = None, rpm: float | None = None) -> Provider:
    """Build the provider named by `spec`.

    Raises UsageError for a malformed spec or unknown provider (the message explains the
    form), ModelAuthError when a required API key is missing (naming the variable), and
    UsageError when the anthropic extra is not installed. `prices_path` extends the
    approximate price table used for `Reply.cost_usd` (see accounting.py). `options` are
    extra request-body fields sent as given (`-M key=value`), `rpm` a requests-per-minute
    limit; both only for the providers that call a service (openai, anthropic).
    """
    provider, model = split_spec(spec or "")
    if provider == "scripted" and script is not None:
        if model and model != script:
            raise UsageError(f"two scripts given: {model!r} in the model and {script!r}; give one")
        model = script
    if not provider or not model:
        hint = f" (did you mean openai:{spec}?)" if spec and ":" not in spec and provider not in PROVIDERS else ""
        raise UsageError(f"malformed model {spec!r}{hint}: {SPEC_HELP}")
    if max_retries < 0 or concurrency < 1 or timeout_s <= 0 or (rpm is not None and rpm <= 0):
        raise UsageError("need max_retries >= 0, concurrency >= 1, timeout > 0 and a requests-per-minute "
                         "limit > 0")
    if (options or rpm) and provider not in ("openai", "anthropic"):
        raise UsageError(f"model options (-M) and --rpm apply to services (openai:, anthropic:), not to {provider}:")
    retry = RetryPolicy(max_retries=max_retries)
    if provider == "openai":
        from .openai_provider import OpenAIProvider

        return OpenAIProvider(model, base_url=base_url, api_key_env=api_key_env, timeout_s=timeout_s, retry=retry,
                              concurrency=concurrency, prices=load_prices(prices_path), options=options, rpm=rpm)
    if provider == "anthropic":
        from .anthropic_provider import AnthropicProvider

        return AnthropicProvider(model, base_url=base_url, api_key_env=api_key_env, timeout_s=timeout_s,
                                 retry=retry, concurrency=concurrency, prices=load_prices(prices_path),
                                 options=options, rpm=rpm)
    if provider == "llc":
        from .llc_provider import LlcProvider

        return LlcProvider(model, concurrency=concurrency)
    if provider == "faulty":
        from .faulty import FaultyProvider

        return FaultyProvider(model, concurrency=concurrency)
    if provider == "scripted":
        from .scripted import ScriptedProvider

        return ScriptedProvider(model)
    raise UsageError(f"unknown model provider {provider!r} in {spec!r}; known: {', '.join(PROVIDERS)}. {SPEC_HELP}")


def parse_model_options(pairs: list[str] | None) -> dict[str, Any]:
    """`-M key=value` pairs as a dict: a value that parses as JSON is that value (numbers,
    true/false, objects), any other is a string; a repeated key keeps its last value."""
    import json

    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, eq, raw = pair.partition("=")
        if not eq or not key.strip():
            raise UsageError(f"-M takes key=value, got {pair!r}")
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:
            out[key.strip()] = raw
    return out
