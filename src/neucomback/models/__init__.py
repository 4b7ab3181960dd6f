"""The model layer: providers that turn chats into replies, plus cache, costs and budgets.

    from neucomback.models import make_provider, GenParams
    provider = make_provider("openai:gpt-4o")          # or anthropic:..., llc:O3, scripted:file.json
    reply = await provider.generate([{"role": "user", "content": prompt}], GenParams())

Heavier pieces (the mock server, the SDK-specific providers) are imported on demand.
"""

from .accounting import DEFAULT_PRICES, Budget, Price, cost, is_priced, load_prices, price_for
from .base import (BudgetExceeded, GenParams, Message, ModelAuthError, ModelError, ModelNotFoundError,
                   ModelUnavailableError, Provider, Reply)
from .cache import CachedProvider, ResponseCache, cache_key
from .registry import make_provider
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_PRICES", "Budget", "BudgetExceeded", "CachedProvider", "GenParams", "Message", "ModelAuthError",
    "ModelError", "ModelNotFoundError", "ModelUnavailableError", "Price", "Provider", "Reply", "ResponseCache",
    "RetryPolicy", "cache_key", "cost", "is_priced", "load_prices", "make_provider", "price_for",
]
