"""The summary a bench run ends with: metrics of its results plus what the run was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..cache import atomic_write_json
from .metrics import summarize
from .store import RunStore


def finish_run(store: RunStore, run_dir: Path, results: list[dict[str, Any]], *, model: str, target: str,
               split: str, stopped: str, expected: int) -> dict[str, Any]:
    """Summarize `results`, record the summary in the run's meta and in summary.json, return it.
    `expected` is the number of samples the run was asked for (complete when all are in)."""
    summary = summarize(results)
    summary.update(model=model, target=target, split=split, run_dir=str(run_dir), stopped=stopped,
                   complete=not stopped and len(results) == expected)
    store.set_meta("summary", summary)
    atomic_write_json(run_dir / "summary.json", summary)
    return summary
