"""What calls cost, and a spending limit.

The built-in price table is APPROXIMATE (list prices in USD per 1M tokens, late 2025) and
goes stale: override or extend it with a JSON or TOML file (`load_prices(prices_path)`):

    {"openai:gpt-4o": {"input": 2.5, "output": 10.0}, "openai:my-model": [0.1, 0.2]}

    ["anthropic:claude-sonnet-4-5"]
    input = 3.0
    output = 15.0

Keys are "provider:model"; a model matches the longest key that is a prefix of it, so
"openai:gpt-4o-2024-08-06" is priced as "openai:gpt-4o". Unpriced models cost 0 (local
servers are free); `is_priced` lets callers warn when a budget cannot see a model's cost.
"""

from __future__ import annotations

import json
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .base import BudgetExceeded, Reply


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens."""

    input_per_m: float
    output_per_m: float


Prices = Mapping[str, Price]

# Approximate list prices; see the module docstring for how to override.
DEFAULT_PRICES: dict[str, Price] = {
    "openai:gpt-4o": Price(2.50, 10.00),
    "openai:gpt-4o-mini": Price(0.15, 0.60),
    "openai:gpt-4.1": Price(2.00, 8.00),
    "openai:gpt-4.1-mini": Price(0.40, 1.60),
    "openai:gpt-4.1-nano": Price(0.10, 0.40),
    "openai:gpt-5": Price(1.25, 10.00),
    "openai:gpt-5-mini": Price(0.25, 2.00),
    "openai:gpt-5-nano": Price(0.05, 0.40),
    "openai:o3": Price(2.00, 8.00),
    "openai:o3-mini": Price(1.10, 4.40),
    "openai:o4-mini": Price(1.10, 4.40),
    "anthropic:claude-opus-4": Price(15.00, 75.00),
    "anthropic:claude-opus-4-5": Price(5.00, 25.00),
    "anthropic:claude-sonnet-4": Price(3.00, 15.00),
    "anthropic:claude-3-7-sonnet": Price(3.00, 15.00),
    "anthropic:claude-haiku-4-5": Price(1.00, 5.00),
    "anthropic:claude-3-5-haiku": Price(0.80, 4.00),
}


def load_prices(prices_path: str | Path | None = None) -> dict[str, Price]:
    """The default table, updated with the entries of a JSON or TOML file (if given)."""
    prices = dict(DEFAULT_PRICES)
    if prices_path is None:
        return prices
    path = Path(prices_path)
    try:
        text = path.read_text()
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except OSError as e:
        raise UsageError(f"cannot read prices file {path}: {e}") from None
    except (ValueError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"prices file {path} is not valid {path.suffix.lstrip('.') or 'JSON'}: {e}") from None
    if not isinstance(raw, dict):
        raise UsageError(f"prices file {path} must map \"provider:model\" to prices")
    for name, value in raw.items():
        prices[name] = _parse_price(path, name, value)
    return prices


def _parse_price(path: Path, name: str, value: Any) -> Price:
    try:
        if isinstance(value, dict):
            return Price(float(value["input"]), float(value["output"]))
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return Price(float(value[0]), float(value[1]))
    except (KeyError, TypeError, ValueError):
        pass
    raise UsageError(f"prices file {path}: entry {name!r} must be {{\"input\": X, \"output\": Y}} or [X, Y] "
                     f"(USD per 1M tokens), got {value!r}")


def price_for(provider_name: str, prices: Prices | None = None) -> Price | None:
    """The price of "provider:model": exact key, else the longest key that prefixes it."""
    table = DEFAULT_PRICES if prices is None else prices
    if provider_name in table:
        return table[provider_name]
    best = max((k for k in table if provider_name.startswith(k)), key=len, default=None)
    return table[best] if best is not None else None


def is_priced(provider_name: str, prices: Prices | None = None) -> bool:
    return price_for(provider_name, prices) is not None


def cost(provider_name: str, prompt_tokens: int, completion_tokens: int, prices: Prices | None = None) -> float:
    """USD for one call; 0.0 for unpriced models."""
    p = price_for(provider_name, prices)
    if p is None:
        return 0.0
    return (prompt_tokens * p.input_per_m + completion_tokens * p.output_per_m) / 1e6


class Budget:
    """A spending limit shared by concurrent calls (threads or tasks).

    Usage: `check()` before starting a call, `charge(reply)` after it. The call that crosses
    the limit is allowed to finish (its cost is unknown in advance); after it, `exceeded` is
    True and `check()` raises. A limit of None never stops anything; a limit of 0 allows no
    call. Cache hits cost 0 and never exhaust a budget.
    """

    def __init__(self, limit_usd: float | None) -> None:
        if limit_usd is not None and limit_usd < 0:
            raise UsageError(f"budget must be >= 0 USD, got {limit_usd}")
        self.limit_usd = limit_usd
        self._spent = 0.0
        self._calls = 0
        self._lock = threading.Lock()  # never held across an await: safe for threads and tasks

    def charge(self, reply: Reply) -> None:
        with self._lock:
            self._spent += reply.cost_usd
            self._calls += 1

    @property
    def spent(self) -> float:
        with self._lock:
            return self._spent

    @property
    def calls(self) -> int:
        with self._lock:
            return self._calls

    @property
    def remaining(self) -> float | None:
        """USD left (never negative), or None without a limit."""
        if self.limit_usd is None:
            return None
        return max(self.limit_usd - self.spent, 0.0)

    @property
    def exceeded(self) -> bool:
        return self.limit_usd is not None and self.spent >= self.limit_usd

    def check(self) -> None:
        """Raise BudgetExceeded if no further call may start."""
        if self.exceeded:
            raise BudgetExceeded(f"budget of ${self.limit_usd:.4f} reached: spent ${self.spent:.4f} "
                                 f"in {self.calls} call(s); rerun with a larger --budget-usd to continue")
