"""Progress bars that name the stage and give an ETA; silent when stdout is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from .common import err_console


@contextmanager
def progress_bar(stage: str, total: int, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Yield `advance(label)`; draws on stderr only when it is a terminal (stable CI logs)."""
    if quiet or not sys.stderr.isatty():
        yield lambda label: None
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[current]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=err_console, transient=True) as prog:
        tid = prog.add_task(stage, total=total, current="")
        yield lambda label: prog.update(tid, advance=1, current=label)
