"""Shared CLI plumbing: one-line errors with exit status 2, JSON output, consoles."""

from __future__ import annotations

import json
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


ExecutorOpt = typer.Option("local", "--executor", help="Where verification runs: local (worker processes here) or "
                           "ray (a Ray cluster: pip install -e '.[ray]'; see docs/executors.md).")
AddressOpt = typer.Option(None, "--address", envvar="RAY_ADDRESS", help="With --executor ray: the cluster to join "
                          "(e.g. 10.0.0.1:6379 or auto); default: start a one-node cluster for the run.")


def executor_settings(a: dict[str, Any]) -> Any:
    """The API's ExecutorSettings from --executor/--address."""
    from ..executors import ExecutorSettings

    return ExecutorSettings(a.get("executor") or "local", a.get("address"))


def prove_seconds(on: bool, seconds: float) -> float | None:
    """--prove/--prove-seconds as the API's `prove_seconds` (None without --prove)."""
    return seconds if on else None


def model_settings(a: dict[str, Any], spec_key: str = "model", url_key: str = "base_url") -> Any:
    """The API's ModelSettings from a command's options (--model or another role's)."""
    from ..api.settings import ModelSettings
    from ..models.registry import parse_model_options

    return ModelSettings(a[spec_key], base_url=a.get(url_key), api_key_env=a.get("api_key_env"),
                         timeout=a.get("timeout", 600.0), concurrency=a.get("concurrency", 8),
                         max_retries=a.get("max_retries", 4), rpm=a.get("rpm"),
                         options=parse_model_options(a.get("model_option")), prices=a.get("prices"),
                         check=not a.get("no_check"), cache=not a.get("no_cache"))


def selection(a: dict[str, Any], seed: int = 0) -> Any:
    """The API's Selection from --suite/--split/--level/--limit/--task/--tag/--shuffle."""
    from ..api.settings import Selection

    return Selection(suite=a["suite"], split=a.get("split"), level=a.get("level"), limit=a.get("limit"),
                     tasks=tuple(a.get("task") or ()), tags=tuple(a.get("tag") or ()),
                     shuffle=bool(a.get("shuffle")), seed=seed)


def say_to_stderr(quiet: bool = False) -> Callable[[str], None]:
    """The API's `say`: notices on stderr as plain text (model names like openai:x: are no
    emoji, [brackets] no markup); warnings and SCRIPTED notices in yellow."""
    if quiet:
        return lambda message: None

    def say(message: str) -> None:
        loud = message.startswith(("warning", "SCRIPTED"))
        err_console.print(message, highlight=False, markup=False, emoji=False, style="bold yellow" if loud else None)

    return say


def progress(quiet: bool = False) -> Any:
    """The API's `progress`: a bar on a terminal, periodic lines in logs (cli/progress.py)."""
    from .progress import progress_bar

    return lambda stage, total: progress_bar(stage, total, quiet)


def log_dir() -> Path:
    """Where runs go without --run-dir (see record.log_dir)."""
    from ..record import log_dir as where

    return where()


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
