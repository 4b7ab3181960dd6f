"""The run record: everything that lives in a run directory.

    store.py        RunStore: run.sqlite (the source of truth) plus human-readable files;
                    commit first, then files; replay on resume
    view.py         the read-only view of a run directory that report/ renders
    metrics.py      ACC, ACC+Perf, fast_p, pass@k, proof tiers from stored results
    summary.py      the summary a bench run ends with (meta + summary.json)
    provenance.py   what produced a run (tool, toolchain, machine, reference commands)

No module outside this package opens run.sqlite or knows its schema.
"""

from __future__ import annotations

import os
from pathlib import Path


def log_dir() -> Path:
    """Where runs go without an explicit run directory: $NEUCOMBACK_LOG_DIR, else ./runs."""
    return Path(os.environ.get("NEUCOMBACK_LOG_DIR") or "runs")


def slug(s: str) -> str:
    """A run directory name from a description such as 'openai:gpt-4o-x86_64-test'."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)
