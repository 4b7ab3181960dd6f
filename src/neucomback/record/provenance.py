"""Provenance: what produced a run (tool, toolchain, machine, reference flags, seeds, dates).

`provenance()` describes *this* process and machine. Sessions record it in the run's meta at
the start (`record_provenance`); a report of an older run, made before provenance was
recorded, computes it at report time instead and says so (the machine or toolchain may
have changed since the run).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from .. import __version__

META_KEY = "provenance"
RESUMES_KEY = "provenance_resumes"


def cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo (Linux), else platform's guess, else ""."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "uarch")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or ""


def _toolchain() -> dict[str, str | None]:
    """{tool: version line or None when absent}, from the same probe `doctor` uses."""
    from ..toolchain import doctor_report

    return {s.spec.key: (s.version if s.found else None) for s in doctor_report()}


def reference_flags(target_name: str) -> dict[str, str]:
    """The exact commands behind "clang -O3" for a target, as the harness builds them: the
    timed reference (llc -O3 on the IR given to the model, assembled and linked exactly as a
    candidate), the reference assembly shown in diffs, and how that IR is made from C."""
    from ..harness.build import assemble_command, ir_command, llc_command
    from ..targets import get_target

    t = get_target(target_name)
    llc = " ".join(llc_command(t, "-O3", "IR.ll", "ref.s"))
    return {"clang": f"{llc} && {' '.join(assemble_command(Path('ref.s'), t, Path('ref.o')))} "
                     "(then linked with the harness like a candidate)",
            "ir": " ".join(ir_command(t, "ref.c", "IR.ll")),
            "llc": llc}


def _seeds() -> dict[str, Any]:
    """Seeds fixed in code that make results reproducible (read from their definitions)."""
    from ..harness.timing import RULE
    from ..suite.loader import SPLIT_SEED

    return {"split_seed": SPLIT_SEED, "timing_rule": RULE,
            "timing_inputs": "a fresh random seed per measurement pair (not reproducible by design)"}


def provenance(target_name: str | None = None) -> dict[str, Any]:
    """A JSON-able description of this tool, machine and toolchain, now.

    Never raises for a missing tool (its version is then None); `target_name` adds the
    reference compiler's flags for that target.
    """
    out: dict[str, Any] = {
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "neucomback_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "toolchain": _toolchain(),
        "seeds": _seeds(),
        "argv": list(sys.argv),
    }
    if target_name:
        try:
            out["reference"] = {target_name: reference_flags(target_name)}
        except Exception:  # an unknown target must not stop a run from being recorded
            out["reference"] = {}
    return out


def test_strength(tasks: list[Any], target_name: str | None) -> dict[str, Any] | None:
    """How strong the tests behind the run's verdicts are, from the suites' strength records
    (`suite strength`), as they stand when the run starts; None without tasks or target."""
    if not tasks or not target_name:
        return None
    from ..suite.strength.record import summarize_record

    return summarize_record(tasks, target_name)


def record_provenance(store: Any, config: dict[str, Any], resumed: bool, tasks: list[Any] | None = None) -> None:
    """Store provenance in the run's meta: the first session's under `provenance`; each
    resumed session appends its own to `provenance_resumes` (a resume may run elsewhere).
    With the run's tasks, it holds the strength of their tests (`test_strength`)."""
    p = provenance(config.get("target"))
    strength = test_strength(tasks or [], config.get("target"))
    if strength is not None:
        p["test_strength"] = strength
    if not resumed or store.get_meta(META_KEY) is None:
        store.set_meta(META_KEY, p)
    else:
        store.set_meta(RESUMES_KEY, [*(store.get_meta(RESUMES_KEY) or []), p])


REPORT_TIME_NOTE = ("this run did not record its provenance (it predates provenance recording): the machine, "
                    "toolchain and version below were read when the report was made and may differ from the run's")


def effective_provenance(recorded: dict[str, Any] | None, target_name: str | None) -> tuple[dict[str, Any], str]:
    """(provenance, note): the run's recorded provenance and "", or one computed now and a
    note saying so."""
    if recorded:
        return recorded, ""
    return provenance(target_name), REPORT_TIME_NOTE
