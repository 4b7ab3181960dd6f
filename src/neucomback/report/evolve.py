"""Reading evolve runs for reports: the per-epoch validation curve and the accepted prompts.

An evolve RUN_DIR (see evolve/loop.py) holds evolve.json, prompts/<name>.toml and one
RunStore per rollout under eval/<split>/<name>/, but no run.sqlite of its own. A report of
it features one rollout (the selected prompt on the test split if the final test ran, else
on the validation split) and adds the curve, the decisions and the accepted prompt diffs.

evolve.json is read tolerantly: the loop's schema 1 (`epochs[].valid` a dict of metrics,
`epochs[].decision`) and simpler shapes (a list of epochs with a `score`/`acc` and an
`accepted` flag and optional `prompt_diff`) both work; an unknown shape gives no curve.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..record.store import DB_FILE
from ..record.view import is_run_dir

STATE_FILE = "evolve_state.json"
REPORT_FILE = "evolve.json"
CURVE_METRICS = (("acc", "ACC"), ("acc_first", "ACC@first"), ("acc_perf", "ACC+Perf"))


@dataclass
class EpochPoint:
    """One epoch: its validation scores, the decision on its prompt, and the diff that the
    decision accepted (empty unless accepted)."""

    epoch: int
    score: float | None                   # the headline validation score (ACC when there are several)
    accepted: bool
    scores: dict[str, float] = field(default_factory=dict)
    decision: str = ""                    # baseline | accepted | rolled back | unchanged | ...
    prompt: str = ""
    best: str = ""
    diff: str = ""


_SCORE_KEYS = ("valid_score", "validation_score", "val_score", "score", "valid_acc", "val_acc", "acc",
               "accuracy", "metric", "value")
_NEST_KEYS = ("valid", "validation", "val")
_DIFF_KEYS = ("prompt_diff", "diff", "accepted_diff")


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _scores(e: dict[str, Any]) -> dict[str, float]:
    """The metric dict of an epoch: `valid` (or validation/val) when it is a dict, else {}."""
    for k in _NEST_KEYS:
        if isinstance(e.get(k), dict):
            return {m: float(v) for m, v in e[k].items() if _num(v)}
    return {}


def _score(e: dict[str, Any]) -> float | None:
    for d in (_scores(e), e):
        for k in _SCORE_KEYS:
            if _num(d.get(k)):
                return float(d[k])
    for k in _NEST_KEYS:
        if _num(e.get(k)):
            return float(e[k])
    return None


def evolve_curve(data: Any) -> list[EpochPoint]:
    """Per-epoch points from evolve.json's content (see the module doc); [] if unreadable."""
    if isinstance(data, dict):
        data = next((data[k] for k in ("epochs", "history", "curve") if isinstance(data.get(k), list)), [])
    if not isinstance(data, list):
        return []
    out = []
    for i, e in enumerate(data):
        if not isinstance(e, dict):
            continue
        decision = str(e.get("decision") or "")
        accepted = bool(e.get("accepted")) or decision == "accepted"
        ep = e.get("epoch", i)
        diff = next((e[k] for k in _DIFF_KEYS if isinstance(e.get(k), str)), "")
        out.append(EpochPoint(int(ep) if _num(ep) else i, _score(e), accepted, _scores(e), decision,
                              str(e.get("prompt") or e.get("name") or ""), str(e.get("best") or ""), diff))
    return out


def is_evolve_dir(path: Path) -> bool:
    return (path / REPORT_FILE).is_file() or (path / STATE_FILE).is_file()


def read_doc(root: Path) -> dict[str, Any]:
    """evolve.json, or {} while the first epoch has not finished (or it is unreadable)."""
    try:
        doc = json.loads((root / REPORT_FILE).read_text())
        return doc if isinstance(doc, dict) else {"epochs": doc}
    except (OSError, json.JSONDecodeError):
        return {}


def settings(root: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """The run's settings (model, suite, target, ...) from evolve.json, else the state file."""
    if isinstance(doc.get("settings"), dict):
        return dict(doc["settings"])
    try:
        cfg = json.loads((root / STATE_FILE).read_text()).get("config", {})
    except (OSError, json.JSONDecodeError, AttributeError):
        cfg = {}
    return {k: v for k, v in cfg.items() if k != "tasks"}


def best_prompt(doc: dict[str, Any]) -> str | None:
    best = doc.get("best")
    if isinstance(best, dict):
        return best.get("prompt")
    curve = evolve_curve(doc)
    return (curve[-1].best or None) if curve else None


def featured_rollout(root: Path, best: str | None) -> Path | None:
    """The rollout a report shows in full: the best prompt on test, else on valid, else the
    latest validation of anything (directories named after prompts, see evolve/loop.py)."""
    for split in ("test", "valid"):
        d = root / "eval" / split
        if best and is_run_dir(d / best):
            return d / best
        for sub in sorted(d.glob(f"*/{DB_FILE}")) if d.is_dir() else []:
            if best and _stored_prompt(sub.parent) == best:
                return sub.parent
    valid = sorted((root / "eval" / "valid").glob(f"*/{DB_FILE}"), key=lambda p: p.stat().st_mtime)
    return valid[-1].parent if valid else None


def _stored_prompt(rollout: Path) -> str | None:
    try:
        return json.loads((rollout / "config.json").read_text()).get("prompt")
    except (OSError, json.JSONDecodeError, AttributeError):
        return None


def prompt_diff(root: Path, old: str, new: str) -> str:
    """A unified diff between two saved prompt versions (prompts/<name>.toml), "" if either is missing."""
    a, b = root / "prompts" / f"{old}.toml", root / "prompts" / f"{new}.toml"
    if not (a.is_file() and b.is_file()):
        return ""
    return "".join(difflib.unified_diff(a.read_text().splitlines(True), b.read_text().splitlines(True),
                                        f"{old}.toml", f"{new}.toml", n=2))


def accepted_diffs(root: Path, curve: list[EpochPoint]) -> list[EpochPoint]:
    """The accepted epochs, each with its diff: the one in evolve.json, else the diff of its
    prompt against the best prompt before it (what acceptance changed)."""
    out, prev_best = [], ""
    for e in curve:
        if e.accepted:
            if not e.diff and prev_best and e.prompt:
                e.diff = prompt_diff(root, prev_best, e.prompt)
            out.append(e)
        prev_best = e.best or (e.prompt if e.accepted or e.decision == "baseline" else prev_best)
    return out


def final_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The final test comparison (initial vs selected prompt), [] when it did not run."""
    final = doc.get("final")
    if not isinstance(final, dict):
        return []
    return [dict(v, role=k) for k, v in final.items() if isinstance(v, dict)]
