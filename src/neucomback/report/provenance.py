"""Provenance as report rows: how a run was made, from what record/provenance.py stored."""

from __future__ import annotations

from typing import Any

from ..record.provenance import effective_provenance


def _params(config: dict[str, Any]) -> str:
    p = config.get("params") or {}
    keys = ("temperature", "top_p", "max_tokens", "seed", "stop")
    return ", ".join(f"{k}={p[k]}" for k in keys if k in p and p[k] not in (None, [], ())) or "-"


def _sampling_seed(config: dict[str, Any]) -> str:
    seed = (config.get("params") or {}).get("seed")
    return "not set" if seed is None else str(seed)


def _strength_row(prov: dict[str, Any]) -> str:
    from ..suite.strength.record import describe

    s = prov.get("test_strength")
    return describe(s) if isinstance(s, dict) else "not recorded (the run predates strength recording)"


def provenance_rows(run: Any) -> tuple[list[tuple[str, str]], str]:
    """(label, value) rows describing how a run (a load.RunData) was made, plus the note of
    `effective_provenance` ("" when the run recorded its own)."""
    from .fmt import date

    c, s = run.config, run.summary
    prov, note = effective_provenance(run.provenance, c.get("target"))
    ref = (prov.get("reference") or {}).get(c.get("target") or "") or {}
    tools = prov.get("toolchain") or {}
    rows = [
        ("neucomback version", str(prov.get("neucomback_version", "?"))),
        ("model", str(c.get("model", "?")) + (f" via {c['base_url']}" if c.get("base_url") else "")),
        ("sampling", _params(c)),
        ("prompt", f"{c.get('prompt', '?')} (sha {c.get('prompt_sha', '?')})"),
        ("workflow", f"{c.get('debug_rounds', '?')} debug round(s), {c.get('opt_rounds', '?')} optimization round(s)"),
        ("tasks", f"suite {c.get('suite', '?')}, split {c.get('split', '?')}, level {c.get('level') or 'all'}"
                  + (f", limit {c['limit']}" if c.get("limit") else "")),
        ("target", str(c.get("target", "?"))),
        ("test strength", _strength_row(prov)),
        ("reference (timed)", ref.get("clang", "-")),
        ("reference asm (diffs)", ref.get("llc", "-")),
        ("IR given to the model", ref.get("ir", "-")),
        ("CPU", f"{prov.get('cpu_model') or '?'} ({prov.get('cpu_count') or '?'} logical cores, {prov.get('machine', '?')})"),
        ("OS / Python", f"{prov.get('platform', '?')} / Python {prov.get('python', '?')}"),
        *[(f"tool: {k}", v or "missing") for k, v in tools.items()],
        ("seeds", ", ".join(f"{k}={v}" for k, v in (prov.get("seeds") or {}).items())
         + f", sampling seed={_sampling_seed(c)}"),
        ("command line", " ".join(prov.get("argv") or []) or "-"),
        ("run started", date(run.created)),
        ("provenance recorded", str(prov.get("recorded_at", "-"))),
        ("resumed sessions", ", ".join(str(p.get("recorded_at")) for p in run.provenance_resumes) or "none"),
        ("tokens in / out", f"{s.get('prompt_tokens', 0):,} / {s.get('completion_tokens', 0):,}"),
        ("cost", f"${s.get('cost_usd', 0.0):.4f}"
                 + (f" (budget {c['budget_usd']})" if c.get("budget_usd") is not None else "")),
        ("parallelism", f"{c.get('jobs', '?')} verification jobs, {c.get('concurrency', '?')} model calls in flight"),
    ]
    return rows, note
