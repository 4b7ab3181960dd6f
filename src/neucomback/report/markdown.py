"""Markdown variants of the report and the comparison: the same tables, no plots.

Task names link to the task's files in the run directory, relative to where the Markdown
file is written, so the links work when browsing the repository or run directory (e.g. on
a code host); the HTML report is the self-contained version with plots.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..record.store import _safe
from . import evolve
from .compare import Comparison
from .fmt import METRICS, date, fmt_delta, fmt_value, speed_cell, tasks_cell
from .load import OUTCOMES, RunData, acc_by_tag, round_outcomes
from ..record.metrics import samples_note
from .provenance import provenance_rows


def _cell(s: Any) -> str:
    """Escape a table cell: pipes and newlines would break the row."""
    return str(s).replace("|", "\\|").replace("\n", " ")


def md_table(headers: list[str], rows: list[list[Any]], right: set[int] | None = None) -> str:
    right = right or set()
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(map(_cell, headers)) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(map(_cell, r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def summary_rows(summaries: list[tuple[str, dict[str, Any]]]) -> str:
    heads = ["run", "tasks", *[m.label for m in METRICS], "infra fail"]
    rows = [[label + (" **SCRIPTED**" if s.get("scripted") else ""), tasks_cell(s),
             *[fmt_value(m.kind, s.get(m.key)) for m in METRICS], s.get("infrastructure_failures", 0)]
            for label, s in summaries]
    return md_table(heads, rows, set(range(1, len(heads))))


def _link(run: RunData, task_id: str, out_dir: Path) -> str:
    rel = os.path.relpath(run.path / "tasks" / _safe(task_id), out_dir)
    return f"[{task_id}]({Path(rel).as_posix()}/)"


def render_markdown(run: RunData, out_path: Path) -> str:
    """The Markdown report of one run, with links relative to `out_path`'s directory."""
    s = run.summary
    out = [f"# neucomback report: {run.label}\n",
           f"Each task's LLVM IR was given to **{run.config.get('model', '?')}**; its assembly was verified against "
           "the C reference and correct Level 2 answers were timed against clang -O3. "
           f"Run directory `{run.home}`, started {date(run.created)}.\n"]
    if s.get("scripted"):
        out.append("> **SCRIPTED run: canned replies, not a model's output.**\n")
    if s.get("stopped") or any(t.result is None for t in run.tasks):
        out.append(f"> **Incomplete run** {s.get('stopped') or ''}: rerun the bench command to resume.\n")
    out += ["## Headline numbers\n", summary_rows([(run.label, s)]),
            "\nOutcomes: " + (", ".join(f"{k} {v}" for k, v in (s.get("outcomes") or {}).items()) or "-") + "\n",
            (f"\nRepeated samples: {samples_note(s)}\n" if samples_note(s) else ""),
            "\n" + "\n".join(f"- **{m.label}**: {m.gloss}" for m in METRICS) + "\n",
            _evolve_md(run), "\n## Outcome of each round\n", _round_table(run), "\n## ACC by task category\n", _tag_table(run),
            "\n## Tasks\n", _task_table(run, out_path.parent), "\n## Provenance\n", _prov(run),
            "\n_Plots are in the HTML report (`neucomback report RUN_DIR`)._\n"]
    return "\n".join(out)


def _evolve_md(run: RunData) -> str:
    """The epoch table of an evolve run ("" for other runs)."""
    if run.evolve is None:
        return ""
    curve = evolve.evolve_curve(run.evolve)
    rows = [[e.epoch, e.prompt or "-", *[fmt_value("pct", e.scores.get(k)) for k, _ in evolve.CURVE_METRICS],
             e.decision or ("accepted" if e.accepted else "-"), e.best or "-"] for e in curve]
    return "\n## Prompt evolution (validation split)\n\n" + md_table(
        ["epoch", "prompt", *[label for _, label in evolve.CURVE_METRICS], "decision", "best after"], rows, {0, 2, 3, 4})


def _round_table(run: RunData) -> str:
    ro = round_outcomes(run)
    return md_table(["round", *OUTCOMES, "attempts"],
                    [[st, *[d[o] for o in OUTCOMES], sum(d.values())] for st, d in ro.items()], set(range(1, 6)))


def _tag_table(run: RunData) -> str:
    return md_table(["tag", "correct", "tasks", "ACC"],
                    [[t, k, n, fmt_value("pct", k / n if n else None)] for t, k, n in acc_by_tag(run)], {1, 2, 3})


def _task_table(run: RunData, out_dir: Path) -> str:
    proofs = any((t.result or {}).get("proof") for t in run.tasks)
    rows = []
    for t in run.tasks:
        r = t.result or {}
        rows.append([_link(run, t.task_id, out_dir), r.get("level", "-"), ", ".join(r.get("tags", [])),
                     r.get("outcome") or t.status, len(t.rounds),
                     speed_cell(r), *([r.get("proof") or "-"] if proofs else []),
                     r.get("prompt_tokens", 0) + r.get("completion_tokens", 0), f"{r.get('cost_usd', 0.0):.4f}"])
    heads = ["task", "level", "tags", "outcome", "rounds", "speedup [99% CI]", *(["proof"] if proofs else []),
             "tokens", "cost $"]
    return md_table(heads, rows, {1, 4, 6 + proofs, 7 + proofs})


def _prov(run: RunData) -> str:
    rows, note = provenance_rows(run)
    return (f"> Note: {note}.\n\n" if note else "") + md_table(["what", "value"], [[k, v] for k, v in rows])


def _cmp_cell(c: dict[str, Any] | None) -> str:
    """"first-try, 1.234x [1.1-1.3]" (the outcome alone when untimed; "-" when absent)."""
    if c is None:
        return "-"
    s = speed_cell(c)
    return str(c.get("outcome") or c.get("status")) + ("" if s == "-" else f", {s}")


def render_compare_markdown(cmp: Comparison) -> str:
    """The Markdown comparison: metrics with deltas, flipped tasks, per-task speedups."""
    n = cmp.names
    heads = ["metric", *n, *[f"Δ {x}" for x in n[1:]]]
    rows: list[list[Any]] = [["tasks", *[tasks_cell(r.summary) for r in cmp.runs], *[""] * (len(n) - 1)]]
    for m in METRICS:
        vals = [r.summary.get(m.key) for r in cmp.runs]
        rows.append([m.label, *[fmt_value(m.kind, v) for v in vals], *[fmt_delta(m.kind, vals[0], v) for v in vals[1:]]])
    flips = [t for t in cmp.tasks if t.flipped]
    out = [f"# neucomback comparison: {' vs '.join(n)}\n", "## Metrics\n", md_table(heads, rows, set(range(1, len(heads)))),
           f"\n## Flipped tasks ({len(flips)})\n"]
    out.append(md_table(["task", *n], [[t.task_id, *["-" if c is None else ("correct" if c else "wrong")
                                                      for c in t.correct]] for t in flips]) if flips else "None.\n")
    per = [[t.task_id, *[_cmp_cell(c) for c in t.cells],
            *[("-" if x is None else f"{x:.3f}") for x in t.speedup_ratios[1:]]] for t in cmp.tasks]
    out += ["\n## Per task\n", md_table(["task", *n, *[f"ratio {x}/{n[0]}" for x in n[1:]]], per)]
    return "\n".join(out)
