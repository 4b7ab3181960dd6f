"""Rich tables for baseline results."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def baseline_table(results: list, target: str) -> Table:  # type: ignore[type-arg]
    from ..baseline import summarize_baseline

    summary = summarize_baseline(results)
    table = Table(title=f"baseline on {target}")
    for col in ("compiler", "tasks", "correct", "pass %", "infra fail", "timed L2", "faster", "CI contains 1",
                "suspicious", "geomean speedup vs clang -O3"):
        table.add_column(col, justify="right")
    for comp, s in summary.items():
        gm = f"{s['geomean_speedup']:.3f}x" if s["geomean_speedup"] else "-"
        table.add_row(comp, str(s["tasks"]), str(s["correct"]), f"{100 * s['correct'] / max(s['tasks'], 1):.1f}",
                      str(s["infrastructure_failures"]), str(s["timed"]), str(s["faster"]),
                      str(s["interval_contains_1"]), str(s["suspicious"]), gm)
    notes = [f"proof tiers ({comp}): " + ", ".join(f"{k} {v}" for k, v in s["proof_tiers"].items())
             for comp, s in summary.items() if s.get("proof_tiers")]
    bad = [r for r in results if not r.verdict.correct]
    if bad:
        notes.append("failed: " + ", ".join(f"{r.task.id} ({r.compiler}: {r.verdict.failure_stage})" for r in bad[:20]))
    if notes:
        table.caption = "\n".join(notes)
    return table


def bench_table(s: dict[str, Any]) -> Table:
    """The headline table of a bench run."""
    from ..record.metrics import pct, samples_note

    title = f"{s.get('model')} on {s.get('target')} ({s.get('split')} split)"
    if s.get("scripted"):
        title += "  [SCRIPTED replies: not a model's output]"
    table = Table(title=title)
    cols = ("tasks", "ACC", "ACC@first", "ACC+Perf", "fast_1.0", "fast_1.1", "geomean speedup", "tokens in/out",
            "cost $")
    for c in cols:
        table.add_column(c, justify="right")
    gm = f"{s['geomean_speedup']:.3f}x" if s.get("geomean_speedup") else "-"
    table.add_row(f"{s['finished']}/{s['tasks']}", pct(s["acc"]), pct(s["acc_first"]), pct(s["acc_perf"]),
                  pct(s["fast_1.0"]), pct(s["fast_1.1"]), gm, f"{s['prompt_tokens']}/{s['completion_tokens']}",
                  f"{s['cost_usd']:.4f}")
    notes = [f"ACC+Perf over {s['level2_tasks']} Level 2 tasks ({s['timed']} timed natively)"]
    if samples_note(s):
        notes.insert(0, samples_note(s))
    if s.get("infrastructure_failures"):
        notes.append(f"{s['infrastructure_failures']} infrastructure failures (not the model's fault)")
    if s.get("suspicious"):
        notes.append(f"{s['suspicious']} SUSPICIOUS speedups (not counted in ACC+Perf or the geomean)")
    notes.append("outcomes: " + ", ".join(f"{k} {v}" for k, v in s.get("outcomes", {}).items()))
    table.caption = "; ".join(notes)
    return table


def strength_table(summary: dict[str, Any], results: list) -> Table:  # type: ignore[type-arg]
    """`suite strength`: one row per operator and per level, then overall; the caption lists
    the demonstrated gaps (mutants the tests pass and the probe shows wrong)."""
    from ..record.metrics import pct

    table = Table(title=f"test strength on {summary['target']}: {summary['measured']}/{summary['tasks']} tasks, "
                        f"{summary['settings']['mutants']} mutants each")
    table.add_column("operator", no_wrap=True)
    for col in ("mutants", "valid", "killed", "gaps", "equiv?", "invalid", "killed %", "of killable"):
        table.add_column(col, justify="right")
    rows = [(op, t) for op, t in summary["per_operator"].items() if t["total"]]
    rows += [(f"Level {lv}", t) for lv, t in summary["per_level"].items() if t["total"]]
    rows.append(("overall", summary["overall"]))
    for name, t in rows:
        table.add_row(name, str(t["total"]), str(t["valid"]), str(t["killed"]), str(t["gaps"]), str(t["equivalent"]),
                      str(t["invalid"]), pct(t["kill_rate"]), pct(t["killable_kill_rate"]))
    notes = []
    up = summary["overall"]
    if up.get("upstream_killable"):
        notes.append(f"the upstream single I/O pair alone rejects {pct(up['upstream_killable_kill_rate'])} of the "
                     f"{up['upstream_killable']} killable mutants of imported tasks")
    if up.get("proved_equivalent") or up.get("refuted_survivors") or up.get("survivors_unproved"):
        notes.append(f"proof tier (--prove): {up['proved_equivalent']} survivor(s) proved equivalent, "
                     f"{up['refuted_survivors']} refuted with a confirmed input ({up['gaps_found_by_proof']} of them "
                     f"missed by the probe too), {up['survivors_unproved']} bounded or unknown")
    notes += [f"gap: {g['task']}: {g['mutant']}" for g in summary["gaps"][:15]]
    if len(summary["gaps"]) > 15:
        notes.append(f"... and {len(summary['gaps']) - 15} more (--json lists them all)")
    notes += [f"reference fails: {f['task']}" for f in summary["reference_failures"]]
    if summary["no_probe"]:
        notes.append(f"{len(summary['no_probe'])} task(s) without a probe (own harness)")
    notes.append(f"per-task results in {summary['out']}")
    table.caption = "\n".join(notes)
    return table


def augment_table(grown: dict[str, Any]) -> Table:
    """`suite strength --augment`: per task, the gaps, how many the added inputs close and
    the killable kill rate before and after."""
    from ..record.metrics import pct

    table = Table(title=f"inputs added: {grown['added']}, closing {grown['closed']} of {grown['gaps']} gaps "
                        f"in {grown['tasks']} task(s)")
    table.add_column("task", no_wrap=True)
    for col in ("gaps", "closed", "added", "of killable before", "after"):
        table.add_column(col, justify="right")
    notes = []
    for a in grown["per_task"]:
        table.add_row(a["task"], str(a["gaps"]), str(a["closed"]), str(len(a["added"])),
                      pct(a["killable_rate_before"]), pct(a["killable_rate_after"]))
        if a["note"]:
            notes.append(f"{a['task']}: {a['note']}")
    notes.append("written to augment.toml in each task's folder; `suite show` counts them")
    table.caption = "\n".join(notes)
    return table
