"""Shared CLI plumbing: one-line errors with exit status 2, JSON output, consoles."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import InfrastructureError, NeuComBackError

# no emoji codes: ":x:" in a message is text, not a picture
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)
F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_WRONG, EXIT_ERROR = 0, 1, 2


# Task selection, the same on bench, baseline and evolve (inspect_ai / lm-evaluation-harness style)
TaskOpt = typer.Option(None, "--task", help="Only this task id (repeatable).")
TagOpt = typer.Option(None, "--tag", help="Only tasks with this tag (repeatable: any of them).")
ShuffleOpt = typer.Option(False, "--shuffle", help="Shuffle the selection (with --seed) before --limit.")

# Talking to a model service, the same on bench and evolve
ModelOptionOpt = typer.Option(None, "--model-option", "-M", metavar="KEY=VALUE",
                              help="Extra request field for the service, e.g. -M top_k=20 (value parsed as JSON "
                                   "when it can be; repeatable).")
RpmOpt = typer.Option(None, "--rpm", min=0.001, help="At most this many requests per minute (retries included).")
NoCheckOpt = typer.Option(False, "--no-check", help="Skip the request that checks server, key and model before "
                                                    "the run starts.")


ProveOpt = typer.Option(False, "--prove", help="After the tests pass, search every input symbolically for a "
                        "difference from the clang -O3 code (x86_64 Level 1; pip install -e '.[prove]').")
ProveSecondsOpt = typer.Option(30.0, "--prove-seconds", min=1.0, help="Exploration budget of one proof query.")


def prove_limits(on: bool, seconds: float) -> Any:
    """The proof tier's limits for --prove (None without it); a one-line error if it cannot run."""
    if not on:
        return None
    from ..errors import UsageError
    from ..prove import ProveLimits, missing

    why = missing()
    if why:
        raise UsageError(f"--prove: {why}")
    return ProveLimits(seconds=seconds)


def log_dir() -> Path:
    """Where runs go without --run-dir: $NEUCOMBACK_LOG_DIR, else ./runs."""
    return Path(os.environ.get("NEUCOMBACK_LOG_DIR") or "runs")


def fail(message: str, code: int = EXIT_ERROR) -> None:
    """Print a one-line error to stderr and exit."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Turn our exceptions into one-line errors with exit status 2 (no tracebacks)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except InfrastructureError as e:
            fail(f"infrastructure: {e}")
        except NeuComBackError as e:
            fail(str(e))
        except KeyboardInterrupt as e:  # SIGINT (130), or SIGTERM turned into an interrupt (143)
            fail("interrupted; rerun the same command to resume", getattr(e, "exit_code", 130))

    return wrapper  # type: ignore[return-value]


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, default=str) + "\n")
