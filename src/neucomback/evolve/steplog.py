"""The log of a training step: RUN_DIR/log/<step>.json (complete) and <step>.md (to read).

The record holds the traces used, each analysis (raw answer, parsed insights or why it was
unparseable), and per section the insights merged, the proposal, the numbered diff, the
review answer and the resulting section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..cache import atomic_write_json, atomic_write_text
from ..record.metrics import pct


def write_step_log(log_dir: Path, record: dict[str, Any]) -> None:
    """Write both files of one step (atomically: a reader never sees half a log)."""
    atomic_write_json(log_dir / f"{record['step']}.json", record)
    atomic_write_text(log_dir / f"{record['step']}.md", render(record))


def render(rec: dict[str, Any]) -> str:
    """The markdown version of a step record."""
    out = [f"# Step {rec['step']} (epoch {rec['epoch']}, batch {rec['batch']})", "",
           f"Prompt before: `{rec['prompt_before']}`; after: `{rec['prompt_after']}`.",
           f"Tasks: {', '.join(rec['tasks'])}.", f"Batch: {_metrics(rec.get('batch_summary', {}))}.", ""]
    if rec.get("scripted"):
        out += ["**SCRIPTED replies: no model produced this text.**", ""]
    out += ["## Traces", ""]
    out += [f"- {t['task_id']}: {t['kind']} trace, rounds {t['rounds']}"
            + (f", failed at {', '.join(str(x) for x in t['stages'])}" if t["stages"] else "")
            + (f", speedups {', '.join(f'{x:.3f}x' for x in t['speedups'])}" if t["speedups"] else "")
            for t in rec["traces"]] or ["(none)"]
    out += ["", "## Analyses", ""]
    for a in rec["analyses"]:
        out += [f"### {a['task_id']} ({a['section']})", ""]
        if a["error"]:
            out += [f"UNPARSEABLE, skipped: {a['error']}", ""]
        out += [f"{i}. {s}" for i, s in enumerate(a["insights"], 1)]
        out += ["", "<details><summary>answer</summary>", "", _fence(a["reply"]), "", "</details>", ""]
    for name, sec in rec["sections"].items():
        out += _section(name, sec)
    if rec.get("notes"):
        out += ["## Notes", "", *(f"- {n}" for n in rec["notes"])]
    return "\n".join(out) + "\n"


def _section(name: str, sec: dict[str, Any]) -> list[str]:
    out = [f"## Section `{name}`", "", "Insights merged:", ""]
    out += [f"{i}. {s}" for i, s in enumerate(sec["insights"], 1)]
    out += ["", "Proposal:" if sec.get("proposal") else f"No proposal: {sec.get('proposal_error')}", ""]
    if sec.get("proposal"):
        out += [_fence(sec["proposal"]), ""]
    if sec.get("diff"):
        out += ["Diff shown to the reviewer:", "", _fence("\n".join(f"[{c['number']}] {c['op']} {c['text']}"
                                                                    for c in sec["diff"])), ""]
    if sec.get("review_reply"):
        out += ["Review answer:", "", _fence(sec["review_reply"]), ""]
    out += [f"Applied: {sec.get('applied') or 'nothing'}." + (f" Note: {sec['note']}" if sec.get("note") else ""), ""]
    out += ["Result:" if sec.get("changed") else "Result (unchanged):", "", _fence(sec.get("result", "")), ""]
    return out


def _fence(text: str) -> str:
    ticks = "````" if "```" in text else "```"
    return f"{ticks}text\n{text.rstrip()}\n{ticks}"


def _metrics(s: dict[str, Any]) -> str:
    return f"ACC {pct(s.get('acc'))}, ACC@first {pct(s.get('acc_first'))}, ACC+Perf {pct(s.get('acc_perf'))}"
