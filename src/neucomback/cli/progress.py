"""Progress for long stages: a bar on a terminal, a plain line every 30 s elsewhere.

On a terminal (stderr) a rich bar with ETA; in CI logs and pipes a line such as
`bench openai:x on x86_64: 12/40 done, 3m10s elapsed, about 7m24s left` at least every
PROGRESS_EVERY_S seconds (and when the stage ends), so a long run never looks hung.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from .common import err_console

PROGRESS_EVERY_S = 30.0


def _interval() -> float:
    try:  # an override for tests and for very chatty or very quiet logs
        return max(float(os.environ.get("NEUCOMBACK_PROGRESS_EVERY", PROGRESS_EVERY_S)), 0.05)
    except ValueError:
        return PROGRESS_EVERY_S


def _dur(s: float) -> str:
    s = int(s)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else (f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s")


@contextmanager
def progress_bar(stage: str, total: int, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Yield `advance(label)`, to be called once per finished item."""
    if quiet:
        yield lambda label: None
        return
    if not sys.stderr.isatty():
        with _lines(stage, total) as advance:
            yield advance
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[current]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=err_console, transient=True) as prog:
        tid = prog.add_task(stage, total=total, current="")
        yield lambda label: prog.update(tid, advance=1, current=label)


@contextmanager
def _lines(stage: str, total: int) -> Iterator[Callable[[str], None]]:
    done = [0]
    t0 = time.monotonic()
    stop = threading.Event()

    def line() -> str:
        elapsed = time.monotonic() - t0
        left = f", about {_dur(elapsed / done[0] * (total - done[0]))} left" if 0 < done[0] < total else ""
        return f"{stage}: {done[0]}/{total} done, {_dur(elapsed)} elapsed{left}"

    def beat() -> None:
        while not stop.wait(_interval()):
            print(line(), file=sys.stderr, flush=True)

    thread = threading.Thread(target=beat, name="progress", daemon=True)
    thread.start()
    try:
        yield lambda label: done.__setitem__(0, done[0] + 1)
    finally:
        stop.set()
        thread.join(timeout=1)
        print(line(), file=sys.stderr, flush=True)
