"""One cheap request before a run starts: is the server there, does it take the key, does it
offer the model? Asked before the run directory is created, so a typo in --base-url or
--model costs a second and leaves nothing behind (not a run directory that says "resume")."""

from __future__ import annotations

import difflib
from typing import Any

from .base import ModelNotFoundError, Provider

SKIP_HINT = "pass --no-check to start without this check"


def service_of(provider: Provider) -> Any:
    """The provider that talks to a service, under any wrappers (the response cache)."""
    while hasattr(provider, "inner"):
        provider = provider.inner  # type: ignore[attr-defined]
    return provider


async def check_service(provider: Provider) -> list[str] | None:
    """Ask the service which models it offers; None for providers that call no service (llc,
    scripted). Raises ModelAuthError (key rejected), ModelUnavailableError (unreachable),
    ModelNotFoundError (no such model here, with the names it does offer)."""
    service = service_of(provider)
    lister = getattr(service, "list_models", None)
    if lister is None:
        return None
    names: list[str] = await lister()
    if names and service.model not in names:
        raise ModelNotFoundError(unknown_model_message(service.model, names, service.where))
    return names


def unknown_model_message(model: str, names: list[str], where: str) -> str:
    """'not offered' with the closest names and a few of the others."""
    close = difflib.get_close_matches(model, names, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    shown = ", ".join(sorted(names)[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    return (f"{where} does not offer the model {model!r}.{hint} It offers: {shown} "
            f"(`neucomback models --base-url ...` lists them; {SKIP_HINT})")
