"""RUN_DIR/evolve_state.json: the settings, the finished steps and evaluations, the spending.

Contract: the file is rewritten atomically (temp file + rename) after every finished step
and evaluation, so a kill -9 loses at most the step in flight. That step's model calls are
not lost either: its RunStore (attempts) and the step's recorded stage calls replay them.
A rerun with different settings (RESUME_KEYS) is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..cache import atomic_write_json
from ..errors import UsageError

STATE_FILE = "evolve_state.json"
SCHEMA = 1


class EvolveState:
    """The resumable part of an evolve run. Not thread-safe: the loop owns it."""

    def __init__(self, run_dir: Path, data: dict[str, Any]) -> None:
        self.path = Path(run_dir) / STATE_FILE
        self.data = data

    @classmethod
    def open(cls, run_dir: Path, config: dict[str, Any], resume_keys: list[str]) -> tuple[EvolveState, bool]:
        """Load the state of RUN_DIR (True: resuming) or start one; UsageError if the settings differ."""
        path = Path(run_dir) / STATE_FILE
        if not path.exists():
            state = cls(run_dir, {"schema": SCHEMA, "config": config, "steps": {}, "evaluations": {},
                                  "spent_usd": 0.0})
            state.save()
            return state, False
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            raise UsageError(f"{path} is unreadable ({e}); use another --run-dir") from None
        old = data.get("config", {})
        diff = [k for k in resume_keys if old.get(k) != config.get(k)]
        if diff:
            shown = ", ".join(f"{k}: {_short(old.get(k))} vs {_short(config.get(k))}" for k in diff)
            raise UsageError(f"{run_dir} holds an evolve run with different settings ({shown}); "
                             "rerun with the same settings to resume, or use another --run-dir")
        return cls(run_dir, data), True

    def save(self) -> None:
        atomic_write_json(self.path, self.data)

    # -- finished steps --------------------------------------------------------------------
    def step(self, step_id: str) -> dict[str, Any] | None:
        """The record of a finished step (it holds the name of the prompt it produced), or None."""
        rec = self.data["steps"].get(step_id)
        return dict(rec) if rec is not None else None

    def finish_step(self, step_id: str, record: dict[str, Any]) -> None:
        self.data["steps"][step_id] = record
        self.save()

    # -- finished evaluations (keyed by split and prompt content) ------------------------------
    def evaluation(self, key: str) -> str | None:
        """The prompt name whose run directory holds the finished evaluation `key`, or None."""
        name = self.data["evaluations"].get(key)
        return str(name) if name is not None else None

    def finish_evaluation(self, key: str, prompt_name: str) -> None:
        self.data["evaluations"][key] = prompt_name
        self.save()

    # -- money ---------------------------------------------------------------------------------
    @property
    def spent_usd(self) -> float:
        """USD spent by earlier (killed or stopped) runs of this directory."""
        return float(self.data.get("spent_usd", 0.0))

    def set_spent(self, usd: float) -> None:
        """Set the total spent (written with the next save: spending changes only with steps)."""
        self.data["spent_usd"] = usd


def _short(v: Any) -> str:
    s = json.dumps(v, sort_keys=True, default=str)
    return s if len(s) <= 80 else s[:77] + "..."
