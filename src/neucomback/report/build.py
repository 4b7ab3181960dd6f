"""The report pipeline: load a run, attach clang -O3's assembly, render, write files.

Stages live in their own modules (load, svg, diff, html, markdown, jsonout, compare); this
module only strings them together for the CLI and for library users.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import atomic_write_text
from ..errors import UsageError
from .compare import Comparison, compare_runs, comparison_json
from .html import render_compare, render_report
from .jsonout import report_json
from .load import RunData, attach_reference_asm, load_run
from .markdown import render_compare_markdown, render_markdown


def _write(path: Path, text: str) -> None:
    """Write atomically, then make the file world-readable: reports are meant to be shared
    (atomic_write_text's temp file is created 0600). A read-only run directory is a usage
    error naming the way out, not a traceback."""
    try:
        atomic_write_text(path, text)
        os.chmod(path, 0o644)
    except OSError as e:
        raise UsageError(f"cannot write {path} ({e.strerror or e}); write it elsewhere "
                         "(`report -o FILE`, `compare --html FILE`, `--markdown FILE`)") from None


@dataclass
class ReportOutputs:
    """What `write_report` produced: the run, files written, and the JSON document."""

    run: RunData
    html: Path | None
    markdown: Path | None
    reference_note: str
    doc: dict[str, Any]


def write_report(run: RunData, html_path: Path | None, md_path: Path | None,
                 advance: Callable[[str], None] | None = None) -> ReportOutputs:
    """Render a loaded run (see load.load_run) to HTML and/or Markdown files (written atomically).

    `advance(task_id)` is called once per task while clang -O3's assembly is computed for the
    diffs (the slow part: one llc run per task, cached), so callers can show progress.
    """
    note = attach_reference_asm(run, advance) if html_path else ""
    if html_path:
        _write(html_path, render_report(run, note))
    if md_path:
        _write(md_path, render_markdown(run, md_path))
    outputs = {"html": str(html_path) if html_path else None, "markdown": str(md_path) if md_path else None}
    return ReportOutputs(run, html_path, md_path, note, report_json(run, outputs))


def write_comparison(run_dirs: list[Path], html_path: Path | None, md_path: Path | None) -> tuple[Comparison, dict[str, Any]]:
    """Compare runs (first = baseline); write HTML/Markdown if paths are given; return the
    comparison and its JSON document."""
    cmp = compare_runs([load_run(d) for d in run_dirs])
    if html_path:
        _write(html_path, render_compare(cmp))
    if md_path:
        _write(md_path, render_compare_markdown(cmp))
    doc = comparison_json(cmp)
    doc["outputs"] = {"html": str(html_path) if html_path else None, "markdown": str(md_path) if md_path else None}
    return cmp, doc
