"""The per-task workflow of the paper: generate, verify, self-debug, then optimize.

    round 0: the IR goes to the model; its asm is verified.
    wrong:   up to `debug_rounds` more rounds, each sending the verdict's feedback.
    correct: for Level 2 on a native target, up to `opt_rounds` rounds, each sending the
             measured speedup vs clang -O3 (with its CI) and llvm-mca's summary.
    The best *verified* version is kept (fastest lower CI bound among correct ones).

Every round is recorded in the RunStore before the next starts; on a rerun, recorded
rounds are replayed from the store (no model call, no verification).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..harness.verdict import Stage, Verdict
from ..models.accounting import Budget
from ..models.base import GenParams, Message, Provider, Reply
from ..record.store import RunStore, sample_key, task_of
from ..suite.task import Task
from ..targets import Target
from .extract import Extraction, extract_asm
from .prompts import Prompt, debug_message, optimize_message

VerifyFn = Callable[[Task, str, "str | bytes", bool], Awaitable[Verdict]]


@dataclass
class AgentConfig:
    debug_rounds: int = 3
    opt_rounds: int = 0
    params: GenParams = field(default_factory=GenParams)


@dataclass
class Round:
    """One round as the workflow sees it (replayed or fresh)."""

    index: int
    kind: str
    reply: Reply
    extraction: Extraction
    verdict: Verdict


@dataclass
class TaskResult:
    """The outcome of one task, as stored in results and summarised in tables."""

    task_id: str
    level: int
    tags: list[str]
    status: str = "done"              # done | budget | model-error | infrastructure
    correct: bool = False
    first_correct: bool = False       # correct in round 0
    correct_round: int | None = None
    rounds: int = 0
    outcome: str = ""                 # first-try | debug-K | failed | ...
    best_round: int | None = None
    speedup: float | None = None      # best verified version vs clang -O3 (native only)
    ci_low: float | None = None
    ci_high: float | None = None
    faster: bool | None = None        # timing.RULE's decision for the best version
    pairs: int = 0                    # measurement pairs behind the best version's speedup
    suspicious: str = ""              # why the best version's speedup is not trusted
    proof: str | None = None          # --prove: the best version's proof tier
    first_speedup: float | None = None
    first_ci_low: float | None = None
    first_faster: bool | None = None
    opt_improved: bool = False
    wall_clock_valid: bool = True
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    scripted: bool = False
    failure_stage: str | None = None
    error: str = ""
    task: str = ""                    # the task's id (task_id is the sample's key: `task@K` for epoch K > 1)
    epoch: int = 1

    def __post_init__(self) -> None:
        self.task = self.task or task_of(self.task_id)[0]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def no_asm_verdict(task: Task, target: Target, ext: Extraction, reply: Reply) -> Verdict:
    """A candidate failure for a reply with no assembly in it (no toolchain needed)."""
    why = "Your reply contained no assembly. Reply with the complete assembly file inside one ```asm block."
    if reply.finish_reason == "length":
        why = "Your reply was cut off (it hit the token limit) before any assembly. Reply with only the assembly."
    return Verdict(task.id, target.name).fail("candidate", "extract", why)


def _feedback(v: Verdict, ext: Extraction, reply: Reply) -> str:
    note = ""
    if ext.truncated or reply.finish_reason == "length":
        note = "Note: your reply was truncated (the token limit was reached); keep the answer shorter.\n"
    return note + v.feedback


def _timing_text(v: Verdict) -> tuple[str, str]:
    t = v.timing
    if t is None or t.speedup is None:
        return "no wall-clock measurement is available for this target.", ""
    med = lambda xs: sorted(xs)[len(xs) // 2] / 1e6  # noqa: E731
    text = (f"speedup {t.speedup:.3f}x (99% CI {t.ci_low:.3f}-{t.ci_high:.3f}, {t.pairs} pairs; "
            f"{'faster' if t.faster else 'not a significant speedup'}); your code "
            f"{med(t.candidate_ns):.2f} ms vs clang -O3 {med(t.reference_ns):.2f} ms of CPU time for {t.reps} calls "
            f"at n={t.size}." + (f" NOT TRUSTED: {t.suspicious}." if t.suspicious else ""))
    mca = f"llvm-mca summary of your code:\n{t.mca_summary}" if t.mca_summary else ""
    return text, mca


class TaskSolver:
    """Runs the workflow for one task against a provider, a verifier and a store."""

    def __init__(self, provider: Provider, verify: VerifyFn, store: RunStore, prompt: Prompt,
                 cfg: AgentConfig, budget: Budget | None = None) -> None:
        self.provider, self.verify, self.store = provider, verify, store
        self.prompt, self.cfg, self.budget = prompt, cfg, budget

    async def _round(self, task: Task, target: Target, idx: int, kind: str, messages: list[Message],
                     key: str, params: GenParams) -> Round:
        rec = self.store.attempt(key, idx)
        if rec is not None:  # replay: resume without a model call or a re-verification
            return Round(idx, rec["kind"], Reply.from_json(rec["reply"]), Extraction(**rec["extraction"]),
                         Verdict.from_json(rec["verdict"]))
        if self.budget is not None:
            self.budget.check()
        reply = await self.provider.generate(messages, params)
        if self.budget is not None:
            self.budget.charge(reply)
        ext = extract_asm(reply.text, task.writes)
        if ext.asm is None:
            verdict = no_asm_verdict(task, target, ext, reply)
        else:
            verdict = await self.verify(task, target.name, ext.asm, task.level == 2)
        self.store.record_attempt(key, idx, kind, messages, reply.to_json(), ext.asm, asdict(ext),
                                  verdict.to_json())
        return Round(idx, kind, reply, ext, verdict)

    async def solve(self, task: Task, target: Target, ir: str, epoch: int = 1) -> TaskResult:
        """Run all rounds for one sample (epoch) of a task, recorded under
        `sample_key(task.id, epoch)`; ModelErrors (budget, auth, ...) propagate to the caller."""
        key, params = sample_key(task.id, epoch), self.cfg.params.for_sample(epoch - 1)
        res = TaskResult(key, task.level, list(task.tags), scripted=bool(getattr(self.provider, "scripted", False)),
                         task=task.id, epoch=epoch)
        messages = self.prompt.first_messages(target, task.writes, ir)
        idx, kind, debug_left, opt_left = 0, "first", self.cfg.debug_rounds, self.cfg.opt_rounds
        best: Round | None = None
        while True:
            r = await self._round(task, target, idx, kind, messages, key, params)
            self._account(res, r)
            v = r.verdict
            if v.infrastructure_failure:
                res.status, res.error = "infrastructure", v.feedback[:2000]
                break
            if v.correct:
                if best is None:
                    res.correct, res.correct_round, res.first_correct = True, idx, idx == 0
                    res.outcome = "first-try" if idx == 0 else f"debug-{idx}"
                    res.first_speedup, res.first_ci_low = _speed(v)
                    res.first_faster = bool(v.timing and v.timing.faster)
                best = _better(best, r)
            else:
                res.failure_stage = v.failure_stage
            more_opt = (best is not None and task.level == 2 and opt_left > 0 and target.native)
            if v.correct and more_opt:
                opt_left -= 1
                timing, mca = _timing_text(v)
                messages = [*messages, _assistant(r), optimize_message(timing, mca)]
                kind = "opt"
            elif not v.correct and best is None and debug_left > 0:
                debug_left -= 1
                messages = [*messages, _assistant(r), debug_message(v.failure_stage or "?", _feedback(v, r.extraction, r.reply))]
                kind = "debug"
            elif not v.correct and best is not None and more_opt:
                opt_left -= 1  # a broken optimization attempt: let the model fix it within the opt budget
                messages = [*messages, _assistant(r), debug_message(v.failure_stage or "?", _feedback(v, r.extraction, r.reply))]
                kind = "opt"
            else:
                break
            idx += 1
        res.rounds = idx + 1
        if best is None:
            res.outcome = res.outcome or ("infrastructure" if res.status == "infrastructure" else "failed")
        else:
            res.best_round = best.index
            res.speedup, res.ci_low = _speed(best.verdict)
            res.ci_high = best.verdict.timing.ci_high if best.verdict.timing else None
            res.faster = bool(best.verdict.timing and best.verdict.timing.faster)
            res.pairs = best.verdict.timing.pairs if best.verdict.timing else 0
            res.suspicious = best.verdict.timing.suspicious if best.verdict.timing else ""
            res.wall_clock_valid = bool(best.verdict.timing is None or best.verdict.timing.wall_clock_valid)
            res.opt_improved = best.index != res.correct_round
            res.proof = best.verdict.proof.tier if best.verdict.proof else None
        return res

    @staticmethod
    def _account(res: TaskResult, r: Round) -> None:
        res.prompt_tokens += r.reply.prompt_tokens
        res.completion_tokens += r.reply.completion_tokens
        res.cost_usd += r.reply.cost_usd
        res.scripted = res.scripted or r.reply.scripted  # e.g. a mock server behind openai:


def _assistant(r: Round) -> Message:
    return {"role": "assistant", "content": r.reply.text}


def _speed(v: Verdict) -> tuple[float | None, float | None]:
    t = v.timing
    if t is None or t.speedup is None:
        return None, None
    return t.speedup, t.ci_low


def _better(best: Round | None, cand: Round) -> Round:
    """Keep the faster verified version, judged by the lower CI bound (a cautious choice); a
    version whose speedup is suspicious never replaces one that is not."""
    if best is None:
        return cand
    if cand.verdict.timing and cand.verdict.timing.suspicious:
        return best
    b = best.verdict.timing.ci_low if best.verdict.timing and best.verdict.timing.ci_low else -math.inf
    c = cand.verdict.timing.ci_low if cand.verdict.timing and cand.verdict.timing.ci_low else -math.inf
    return cand if c > b else best


__all__ = ["AgentConfig", "TaskResult", "TaskSolver", "Stage"]
