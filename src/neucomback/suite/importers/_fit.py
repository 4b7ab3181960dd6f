"""The last check of an imported Level 1 task: its real harness, not the importer's probe build.

The importer screens inputs with probe builds of its own. The harness a candidate is linked
with lays out memory differently (nbh.h, canaries, guard zones), so an input that makes upstream
code read out of bounds (the upstream input sometimes does, and it is kept: it defines the task)
can crash there only. So every imported task is run as it will be judged: the -O0 reference
over all its inputs (the tests, then the probe inputs), and llc -O3's assembly through the
verifier. The importer drops the first input that fails and checks again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ...harness.build import reference_asm, reference_exe
from ...harness.check import parse_output
from ...harness.evaluate import Evaluator
from ...harness.reference import RunSpec, run_trusted
from ...targets import get_target
from ..task import load_task
from ._common import TaskFailed


# The output of one run over all of a task's inputs must stay well inside what a check run may
# print (Limits.output_bytes, 8 MiB): a kernel that fills 32 structs with long strings prints
# ~70 KB per case, and 256 such cases would be cut off mid-record, for reference and candidate alike.
OUTPUT_BUDGET = 4 << 20
TAIL = "output budget"  # a `why` starting so: the inputs from `case` on must all go


def _over_budget(stdout: str) -> int | None:
    """The first case whose records take the output past OUTPUT_BUDGET, or None."""
    used = 0
    for line in stdout.splitlines(keepends=True):
        used += len(line.encode())
        toks = line.split(None, 2)
        if used > OUTPUT_BUDGET and len(toks) > 1 and toks[0] == "out" and toks[1].isdigit():
            return int(toks[1])
    return None


def first_failure(task_dir: Path, evaluator: Evaluator) -> tuple[int, str] | None:
    """(case, why) of the first case, over the task's tests and its probe inputs, that the -O0
    reference or llc -O3's assembly fails in the real harness, or None; a `why` that starts
    with TAIL means that the output from that case on is over OUTPUT_BUDGET. Raises TaskFailed
    when the failure names no case."""
    task = load_task(task_dir)
    total = task.cases + int(task.meta.get("probe_inputs", 0))
    x86 = get_target("x86_64")
    r = run_trusted(x86, reference_exe(task, x86, "-O0"), RunSpec((str(task.seed), str(total))), check=False)
    over = _over_budget(r.stdout)
    if over is not None:
        return over, f"{TAIL}: the cases before {over} already print {OUTPUT_BUDGET >> 20} MiB"
    if not r.ok:
        done = {c for c, _ in parse_output(r.stdout).outs}
        return (max(done) + 1 if done else 0), f"the -O0 reference {r.describe()}"
    v = evaluator.verify(replace(task, cases=total), x86, reference_asm(task, x86).read_text(), timing=False)
    if v.correct:
        return None
    if v.failing_case is None:
        raise TaskFailed(f"llc -O3 reference fails in the real harness: {v.feedback.splitlines()[0] if v.feedback else ''}")
    return v.failing_case, f"llc -O3 reference: {v.feedback.splitlines()[0][:160] if v.feedback else ''}"
