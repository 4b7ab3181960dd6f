"""How the API talks back while it works: notices (`say`) and progress (`progress`).

The CLI passes a rich progress bar and a console printer; a library caller passes nothing
(silent) or its own. A `Progress` is called as progress(stage, total) and returns a context
manager yielding `advance(label)`, to be called once per finished item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

Say = Callable[[str], None]
Progress = Callable[[str, int], AbstractContextManager[Callable[[str], None]]]


def _silent(message: str) -> None:
    """The default `say`: a library call prints nothing."""


@contextmanager
def no_progress(stage: str, total: int) -> Iterator[Callable[[str], None]]:
    """The default `progress`: nothing shown."""
    yield lambda label: None
