"""The evolve loop: training steps, validation and selection per epoch, then the final test.

Layout of RUN_DIR:
    evolve_state.json        settings, finished steps and evaluations, spending (resume)
    evolve.json              the per-epoch validation curve and the final comparison (schema: docs/evolve.md)
    best_prompt.toml         the selected prompt (loads with `bench --prompt`)
    prompts/<name>.toml      every prompt version, with its parent and scores
    steps/e<E>-b<B>/         the RunStore of a training step (attempts + the stage calls)
    eval/<split>/<name>/     the RunStore of an evaluation of prompt <name> on valid or test
    log/e<E>-b<B>.json|.md   what each step saw, proposed, reviewed and applied

Everything is a deterministic function of the settings and the replies: shuffles are
seeded, traces and insights are ordered by task id, and every reply is recorded before it
is used. So a rerun replays finished steps from the state, the step in flight from its
RunStore, and makes no model call twice.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..agent.prompts import Prompt
from ..agent.workflow import AgentConfig, VerifyFn
from ..cache import atomic_write_json
from ..models.accounting import Budget
from ..models.base import Provider
from ..record.metrics import pct
from ..suite.task import Task
from ..targets import Target
from .analyze import Analysis, analyze
from .ask import Asker
from .final import prompt_report
from .merge import propose
from .review import review
from .rollout import Rollout, Runner
from .select import decide, score_of
from .settings import SECTIONS, EvolveSettings, Stopped, content_key
from .state import EvolveState
from .steplog import write_step_log
from .traces import collect_traces

REPORT_FILE = "evolve.json"
BEST_FILE = "best_prompt.toml"
REPORT_SCHEMA = 1


@dataclass
class Splits:
    """The tasks of each split (train is shuffled per epoch; valid and test in id order)."""

    train: list[Task]
    valid: list[Task]
    test: list[Task]

    def ids(self) -> dict[str, list[str]]:
        return {name: [t.id for t in getattr(self, name)] for name in ("train", "valid", "test")}


@dataclass
class EvolveEnv:
    """What the loop talks to: the model, the verifier, the money, and the user."""

    provider: Provider
    verify: VerifyFn
    budget: Budget
    concurrency: int = 8
    say: Callable[[str], None] = lambda message: None
    analysis_provider: Provider | None = None  # analyse/merge/review; None: the compiling model


class Evolver:
    """One evolve run over RUN_DIR. `run()` returns the evolve.json document it wrote."""

    def __init__(self, settings: EvolveSettings, splits: Splits, target: Target, env: EvolveEnv, run_dir: Path,
                 state: EvolveState) -> None:
        self.settings, self.splits, self.target, self.env = settings, splits, target, env
        self.run_dir, self.state = Path(run_dir), state
        cfg = AgentConfig(settings.debug_rounds, settings.opt_rounds, settings.params)
        self.runner = Runner(env.provider, env.verify, target, cfg, env.budget, env.concurrency)
        self.asker = Asker(env.analysis_provider or env.provider, settings.params, env.budget)
        self.prior_spent = state.spent_usd  # spent by earlier runs of this directory
        self.functions = {t.id: t.function for t in [*splits.train, *splits.valid, *splits.test]}
        self.epochs: list[dict[str, Any]] = []
        self.scripted = any(bool(getattr(p, "scripted", False)) for p in (env.provider, env.analysis_provider) if p)

    # -- the run ---------------------------------------------------------------------------
    async def run(self, final_test: bool = False) -> dict[str, Any]:
        """Baseline, epochs, final test. A Stopped (budget, service) ends it at a step boundary."""
        initial = self._initial_prompt()
        best = current = initial
        final: dict[str, Any] | None = None
        stopped = ""
        try:
            best_score = await self._validate(initial)
            self._record_epoch(0, initial, best_score, "baseline", initial, [])
            for epoch in range(1, self.settings.epochs + 1):
                steps = []
                for b, batch in enumerate(self.batches(epoch)):
                    current = await self._step(epoch, b, batch, current)
                    steps.append(f"e{epoch}-b{b}")
                score = await self._validate(current)
                decision = "unchanged" if current.name == best.name else decide(score, best_score)
                if decision == "accepted":
                    best, best_score = current, score
                self._record_epoch(epoch, current, score, decision, best, steps)
                current = best if decision == "rolled back" else current
            if final_test:
                final = await self._final(initial, best)
        except Stopped as e:
            stopped = str(e)
            self.env.say(f"stopped: {stopped}")
        self.state.set_spent(self._spent())
        self.state.save()
        return self._write_report(best, final, stopped)

    def batches(self, epoch: int) -> list[list[Task]]:
        """The train split in a seeded shuffle for this epoch, cut into batches (last one may be short)."""
        order = sorted(self.splits.train, key=lambda t: t.id)
        random.Random(self.settings.seed * 1_000_003 + epoch).shuffle(order)
        size = self.settings.batch_size
        return [order[i:i + size] for i in range(0, len(order), size)]

    # -- a training step ----------------------------------------------------------------------
    async def _step(self, epoch: int, batch_no: int, batch: list[Task], current: Prompt) -> Prompt:
        """Run one batch, learn from its traces; return the prompt the next step starts from."""
        step_id = f"e{epoch}-b{batch_no}"
        done = self.state.step(step_id)
        if done is not None:  # finished in an earlier run: take its result, call nothing
            self.scripted = self.scripted or bool(done.get("scripted"))
            self.env.say(f"{step_id}: finished earlier -> prompt {done['prompt']}")
            return self._load_prompt(done["prompt"])
        rollout = await self.runner.run(batch, current, self.run_dir / "steps" / step_id, step_id)
        try:
            new, record = await self._learn(step_id, rollout, current)
        finally:
            rollout.store.close()
        record.update(epoch=epoch, batch=batch_no, tasks=[t.id for t in batch], prompt_before=current.name,
                      prompt_after=new.name, batch_summary=score_of(rollout.summary), scripted=self.scripted)
        write_step_log(self.run_dir / "log", record)
        self.state.set_spent(self._spent())
        self.state.finish_step(step_id, {"prompt": new.name, "changed": record["changed"],
                                         "traces": len(record["traces"]), "scripted": self.scripted})
        self.env.say(_step_line(step_id, record))
        return new

    async def _learn(self, step_id: str, rollout: Rollout, current: Prompt) -> tuple[Prompt, dict[str, Any]]:
        """Traces -> analyses -> per section merge + review. Returns (next prompt, log record)."""
        self.scripted = self.scripted or any(r.get("scripted") for r in rollout.results)
        traces = collect_traces(rollout.store, rollout.results, self.functions)
        analyses: list[Analysis] = await _all([analyze(self.asker, rollout.store, t, self.target) for t in traces])
        new = Prompt(name=step_id, parent=current.name, correctness=current.correctness,
                     performance=current.performance, score=_prefixed("batch_", score_of(rollout.summary)))
        sections: dict[str, dict[str, Any]] = {}
        for section in SECTIONS:
            used = [a for a in analyses if a.section == section and not a.error]
            insights = _unique(i for a in used for i in a.insights)
            if insights:
                sections[section] = await self._evolve_section(rollout, section, getattr(current, section),
                                                               insights, len(used))
                setattr(new, section, sections[section]["result"])
        changed = [s for s, rec in sections.items() if rec["changed"]]
        self.scripted = self.scripted or self.asker.scripted
        if changed:
            self._save_prompt(new)
        notes = [f"{a.task_id}: analysis unparseable, skipped ({a.error})" for a in analyses if a.error]
        notes += [f"{s}: {rec['note']}" for s, rec in sections.items() if rec["note"]]
        record = {"step": step_id, "traces": [t.summary() for t in traces], "analyses": [a.to_json() for a in analyses],
                  "sections": sections, "changed": changed, "notes": notes}
        return (new if changed else current), record

    async def _evolve_section(self, rollout: Rollout, section: str, old: str, insights: list[str],
                              traces: int) -> dict[str, Any]:
        """Merge insights into one section and apply what the review accepts; the log record of it."""
        proposal = await propose(self.asker, rollout.store, section, old, insights, traces)
        rec: dict[str, Any] = {"insights": insights, "old": old, "proposal_reply": proposal.reply,
                               "proposal": proposal.text, "proposal_error": proposal.error, "diff": [],
                               "review_reply": "", "applied": [], "note": "", "result": old, "changed": False}
        if proposal.text is None:
            rec["note"] = f"no usable proposal ({proposal.error}): section unchanged"
            return rec
        rv = await review(self.asker, rollout.store, section, old, proposal.text)
        rec.update(diff=[asdict(c) for c in rv.changes], review_reply=rv.reply, applied=rv.applied, note=rv.note,
                   result=rv.result, changed=rv.result.strip() != old.strip())
        return rec

    # -- evaluation and selection -------------------------------------------------------------
    async def _validate(self, prompt: Prompt) -> dict[str, float]:
        """Score a prompt on the valid split and record the scores in its file."""
        rollout = await self._evaluate(prompt, "valid")
        score = score_of(rollout.summary)
        prompt.score = {**prompt.score, **_prefixed("valid_", score)}
        self._save_prompt(prompt)
        return score

    async def _evaluate(self, prompt: Prompt, split: str) -> Rollout:
        """Run a split with a prompt; a prompt with the same guidelines as one evaluated before
        reuses that run directory (so no task is verified twice for the same content)."""
        key = f"{split}:{content_key(prompt)}"
        name = self.state.evaluation(key) or prompt.name
        tasks = getattr(self.splits, split)
        rollout = await self.runner.run(tasks, prompt, self.run_dir / "eval" / split / name, f"{split}/{name}")
        rollout.store.close()  # results are in memory; nothing else is read from the store
        self.scripted = self.scripted or any(r.get("scripted") for r in rollout.results)
        if self.state.evaluation(key) is None:
            self.state.set_spent(self._spent())
            self.state.finish_evaluation(key, name)
        return rollout

    async def _final(self, initial: Prompt, best: Prompt) -> dict[str, Any]:
        """The initial and the selected prompt on the test split, same settings."""
        out = {}
        for role, prompt in (("initial", initial), ("best", best)):
            rollout = await self._evaluate(prompt, "test")
            out[role] = prompt_report(prompt.name, rollout.summary, rollout.results)
            self.env.say(f"test/{prompt.name}: ACC {pct(rollout.summary['acc'])}, "
                         f"ACC@first {pct(rollout.summary['acc_first'])}")
        return out

    def _record_epoch(self, epoch: int, prompt: Prompt, score: dict[str, float], decision: str, best: Prompt,
                      steps: list[str]) -> None:
        self.epochs.append({"epoch": epoch, "prompt": prompt.name, "valid": score, "decision": decision,
                            "best": best.name, "steps": steps})
        best.save(self.run_dir / BEST_FILE)  # the best so far, also when the run stops later
        self.env.say(f"epoch {epoch}: valid ACC {pct(score.get('acc'))}, ACC@first {pct(score.get('acc_first'))}, "
                     f"ACC+Perf {pct(score.get('acc_perf'))} -> {decision} (best: {best.name})")

    # -- files ----------------------------------------------------------------------------------
    def _initial_prompt(self) -> Prompt:
        path = self.run_dir / "prompts" / "initial.toml"
        if path.exists():
            return Prompt.load(path)
        prompt = Prompt(name="initial")
        self._save_prompt(prompt)
        return prompt

    def _save_prompt(self, prompt: Prompt) -> None:
        prompt.save(self.run_dir / "prompts" / f"{prompt.name}.toml")

    def _load_prompt(self, name: str) -> Prompt:
        return Prompt.load(self.run_dir / "prompts" / f"{name}.toml")

    def _spent(self) -> float:
        return self.prior_spent + self.env.budget.spent

    def _write_report(self, best: Prompt, final: dict[str, Any] | None, stopped: str) -> dict[str, Any]:
        last = self.epochs[-1]["epoch"] if self.epochs else -1
        doc = {"schema": REPORT_SCHEMA, "command": "evolve",
               "settings": {k: v for k, v in self.state.data["config"].items() if k != "tasks"},
               "splits": {k: len(v) for k, v in self.splits.ids().items()}, "scripted": self.scripted,
               "epochs": self.epochs,
               "best": {"prompt": best.name, "file": BEST_FILE,
                        "valid": next((e["valid"] for e in self.epochs if e["prompt"] == best.name), None)},
               "final": final, "spent_usd": self._spent(), "stopped": stopped,
               "complete": not stopped and last == self.settings.epochs}
        atomic_write_json(self.run_dir / REPORT_FILE, doc)
        return doc


async def _all(calls: list[Any]) -> list[Any]:
    """Await all calls concurrently, in order; if any stopped, let the others finish (their
    replies get recorded) and then raise the first error."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return list(results)


def _unique(items: Iterable[str]) -> list[str]:
    """Items in order without repeats (several traces often teach the same lesson)."""
    seen: set[str] = set()
    out = []
    for item in items:
        norm = " ".join(item.lower().split())
        if norm not in seen:
            seen.add(norm)
            out.append(item)
    return out


def _prefixed(prefix: str, score: dict[str, float]) -> dict[str, float]:
    return {prefix + k: v for k, v in score.items()}


def _step_line(step_id: str, rec: dict[str, Any]) -> str:
    parts = [f"{step_id}: {len(rec['tasks'])} task(s), {len(rec['traces'])} trace(s), "
             f"{sum(len(a['insights']) for a in rec['analyses'])} insight(s)"]
    for name, sec in rec["sections"].items():
        parts.append(f"{name}: {len(sec['applied'])} of {len(sec['diff'])} change(s) applied"
                     + (f" ({sec['note']})" if sec["note"] else ""))
    return "; ".join(parts)
