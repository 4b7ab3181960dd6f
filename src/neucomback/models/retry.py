"""Our own retry loop for HTTP model services (the SDKs' built-in retries are switched off).

Why not the SDK's: we want one policy for every provider, a cap on Retry-After that we
choose, and a single ModelUnavailableError that says what kept failing. Transient errors
(429, 408, 409, 5xx, timeouts, connection errors) are retried with exponential backoff and
jitter; everything else is translated into a ModelError at once.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

from .base import ModelAuthError, ModelError, ModelNotFoundError, ModelUnavailableError

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait. Attempts = max_retries + 1."""

    max_retries: int = 4
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    max_retry_after_s: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to sleep before retry number `attempt` (0-based).

        A server's Retry-After wins (capped at max_retry_after_s: a server asking for an hour
        should not stall a batch for an hour). Otherwise exponential backoff with "equal
        jitter": half fixed, half random, so concurrent clients spread out.
        """
        if retry_after is not None and math.isfinite(retry_after) and retry_after >= 0:
            return min(retry_after, self.max_retry_after_s)
        backoff = min(self.max_delay_s, self.base_delay_s * 2.0 ** min(attempt, 30))
        return backoff / 2 + random.uniform(0, backoff / 2)


@dataclass(frozen=True)
class Transient:
    """A failure worth retrying: a short reason for the final error, and the server's hint."""

    reason: str
    retry_after: float | None = None


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms`, `retry-after` (seconds or HTTP date); None if absent/invalid."""
    if not headers:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) / divisor, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(when.timestamp() - time.time(), 0.0)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


async def with_retries(call: Callable[[], Awaitable[T]], classify: Callable[[Exception], Transient | None],
                       policy: RetryPolicy, what: str) -> T:
    """Run `call`, retrying while `classify` says the failure is transient.

    `classify` raises a ModelError for permanent failures, returns a Transient for retryable
    ones, and None for exceptions it does not know (they propagate unchanged: our bugs must
    not be disguised as an unavailable service).
    """
    attempts = policy.max_retries + 1
    last: Transient | None = None
    for attempt in range(attempts):
        try:
            return await call()
        except Exception as e:  # noqa: BLE001 - classify decides
            transient = classify(e)
            if transient is None:
                raise
            last = transient
            if attempt + 1 < attempts:
                pause = policy.delay(attempt, transient.retry_after)
                log.info("%s: %s; retry %d/%d in %.2fs", what, transient.reason, attempt + 1,
                         policy.max_retries, pause)
                await asyncio.sleep(pause)
    reason = last.reason if last else "unknown error"
    raise ModelUnavailableError(f"{what}: gave up after {attempts} attempt(s); last error: {reason}")


def classify_sdk_error(e: Exception, sdk: ModuleType, *, provider: str, model: str, key_env: str,
                       base_url: str | None) -> Transient | None:
    """Map an exception of a Stainless-generated SDK (openai, anthropic: same class names).

    Raises ModelAuthError (401/403), ModelNotFoundError (404, code model_not_found) or
    ModelError (other 4xx); returns a Transient for timeouts, connection errors, 408/409/429
    and 5xx; None for anything that is not an SDK error.
    """
    where = base_url or "the default endpoint"
    if isinstance(e, sdk.APITimeoutError):
        return Transient(f"request timed out ({where})")
    if isinstance(e, sdk.APIConnectionError):
        return Transient(f"cannot connect to {where}: {e.__cause__ or e}")
    if not isinstance(e, sdk.APIStatusError):
        return None
    status = e.status_code
    detail = _error_message(e)
    code = getattr(e, "code", None)
    if status in RETRYABLE_STATUS or status >= 500:
        return Transient(f"HTTP {status}: {detail}", parse_retry_after(_headers(e)))
    if status in (401, 403):
        raise ModelAuthError(
            f"{provider} rejected the API key (HTTP {status}: {detail}); set a valid key in the "
            f"environment variable {key_env}") from None
    if status == 404 or code == "model_not_found":
        hint = " and that --base-url ends in /v1 (OpenAI-compatible servers)" if provider == "openai" else ""
        raise ModelNotFoundError(
            f"{provider}: model {model!r} not found at {where} (HTTP {status}: {detail}). Check the model "
            f"name (GET <base-url>/models lists them){hint}.") from None
    raise ModelError(f"{provider}:{model} refused the request (HTTP {status}): {detail}") from None


async def list_sdk_models(client: Any, classify: Callable[[Exception], Transient | None], where: str,
                          rate: Any = None) -> list[str]:
    """`client.models.list()` of a Stainless SDK client as a list of ids, then close the client.

    One request with no retries (it is a check that should answer in a second): a connection
    failure or timeout is a ModelUnavailableError that names the server; 401/403 are
    ModelAuthError as for chats. A 404 here means the server has no /models route, which at an
    OpenAI-compatible server almost always means a wrong base URL."""
    try:
        if rate is not None:
            await rate.wait()
        return [m.id async for m in client.models.list()]
    except ModelError:
        raise
    except Exception as e:  # noqa: BLE001 - classified below
        if getattr(e, "status_code", None) == 404:
            raise ModelNotFoundError(
                f"{where} answered HTTP 404 to GET /models: is the base URL right? An OpenAI-compatible "
                "server's usually ends in /v1 (pass --no-check to start without this check)") from None
        transient = classify(e)
        if transient is None:
            raise
        raise ModelUnavailableError(f"cannot reach the model service: {transient.reason}") from None
    finally:
        await client.close()


def _headers(e: Exception) -> Mapping[str, str] | None:
    response = getattr(e, "response", None)
    return getattr(response, "headers", None)


def _error_message(e: Exception) -> str:
    """The service's own error message, short: it is what the user needs to see."""
    body = getattr(e, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])[:500]
    return (getattr(e, "message", None) or str(e))[:500]
