"""Self-contained HTML pages: the report of one run and the comparison of several.

One file, no scripts, no external resources: inline CSS and inline SVG only, so the page
works offline, when moved, and as a CI artifact. Every internal link points at an id on
the same page; transcripts, assembly and diffs sit in <details> elements so the page opens
short and headline-first. Everything taken from a run is HTML-escaped.
"""

from __future__ import annotations

import re
import time
from html import escape
from typing import Any

from .. import __version__
from ..harness.verdict import Verdict
from . import svg
from .compare import Comparison
from .diff import side_by_side, stats
from ..harness.timing import MIN_EFFECT, RULE
from .fmt import METRICS, date, fmt_delta, fmt_value, speed_cell, speedup, tasks_cell
from ..record.metrics import faster_of, samples_note
from . import evolve
from .load import OUTCOMES, RoundRecord, RunData, TaskRecord, acc_by_tag, round_outcomes, speedup_points
from .provenance import provenance_rows

CSS = """
:root{--fg:#1d2327;--muted:#5f6b73;--line:#dde3e8;--bg:#fff;--soft:#f5f7f9;--ok:#1a7f37;--bad:#c0392b;
--warn:#9a6700;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:28px 28px 60px}
h1{font-size:26px;margin:0 0 6px}h2{font-size:20px;margin:36px 0 10px;padding-top:8px;border-top:1px solid var(--line)}
h3{font-size:16px;margin:18px 0 6px}h4{font-size:14px;margin:12px 0 4px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.lede{color:var(--muted);max-width:900px;margin:4px 0 14px}
.banner{padding:10px 14px;border-radius:6px;margin:10px 0;font-weight:600}
.banner.scripted{background:#fff4d6;border:2px solid #e0a800;color:#6b4e00;font-size:17px}
.banner.warn{background:#fdecea;border:1px solid #e6a19a;color:#8a1f11}
.banner.note{background:var(--soft);border:1px solid var(--line);color:var(--muted);font-weight:400}
nav.toc{font-size:14px;color:var(--muted);margin:10px 0 0}nav.toc a{margin-right:14px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.card{flex:1 1 160px;border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--soft)}
.card .v{font-size:28px;font-weight:650;line-height:1.2}.card .k{font-size:13px;color:var(--muted)}
.card .s{font-size:12px;color:var(--muted)}
table{border-collapse:collapse;font-size:13.5px;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:5px 9px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
.tablewrap{overflow-x:auto}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.b-ok{background:#dafbe1;color:var(--ok)}.b-bad{background:#ffebe9;color:var(--bad)}
.b-infra{background:#eee;color:#555}.b-fast{background:#c7f0d2;color:#0b5a25}.b-warn{background:#fff4d6;color:var(--warn)}
.muted{color:var(--muted)}.small{font-size:12.5px}
svg.plot{max-width:100%;height:auto;display:block;margin:6px 0 18px}
figure{margin:0 0 18px}figcaption{font-size:13px;color:var(--muted);max-width:900px}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:#fff}
details>summary{cursor:pointer;padding:6px 10px;font-weight:600;font-size:14px}
details[open]>summary{border-bottom:1px solid var(--line)}
details .inner{padding:8px 12px}
pre{background:var(--soft);padding:8px 10px;overflow:auto;font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
max-height:520px;margin:6px 0;white-space:pre}
pre.wrap{white-space:pre-wrap}
.tid{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.round{border-left:3px solid var(--line);padding-left:10px;margin:10px 0}
.round.r-ok{border-color:#7ccf8f}.round.r-bad{border-color:#e6a19a}.round.r-infra{border-color:#bbb}
.role{font-size:12px;font-weight:700;text-transform:uppercase;color:var(--muted);margin-top:8px}
.role .muted,summary .muted{text-transform:none;font-weight:400}
.scroll{overflow:auto;max-height:560px;border:1px solid var(--line)}
table.sbs{font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0;width:100%}
table.sbs td{border:0;padding:0 6px;white-space:pre}table.sbs td.ln{color:#999;text-align:right;user-select:none;width:1%}
table.sbs th{position:sticky;top:0}
table.sbs tr.chg td.l,table.sbs tr.chg td.r{background:#fff5c2}table.sbs tr.del td.l{background:#ffdcd7}
table.sbs tr.add td.r{background:#d4f7dc}table.sbs tr.fold td{background:var(--soft);color:var(--muted);text-align:center}
.diffstat{font-size:13px;margin:4px 0}.diffstat .add{color:var(--ok);font-weight:600}.diffstat .del{color:var(--bad);font-weight:600}
.note{color:var(--muted);font-size:13px}
dl.gloss{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:13.5px;margin:8px 0}
dl.gloss dt{font-weight:600}dl.gloss dd{margin:0;color:var(--muted)}
footer{margin-top:40px;color:var(--muted);font-size:12.5px}
tr.flip td{background:#fff8e1}
pre.udiff .add{background:#d4f7dc;display:inline-block;width:100%}
pre.udiff .del{background:#ffdcd7;display:inline-block;width:100%}
"""


# -- page scaffolding --------------------------------------------------------------------

def page(title: str, body: str) -> str:
    """A complete HTML document around `body`, with the inline stylesheet."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="neucomback {escape(__version__)}">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def anchor(*parts: str) -> str:
    """An id safe in HTML and URLs; stable for a given task id (so links can be shared)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_.-]", "_", p) for p in parts)


def table(headers: list[str], rows: list[list[str]], num_cols: set[int] | None = None,
          row_classes: list[str] | None = None) -> str:
    """An HTML table from already-escaped cell HTML; columns in `num_cols` align right."""
    num_cols = num_cols or set()
    th = "".join(f'<th{" class=num" if i in num_cols else ""}>{h}</th>' for i, h in enumerate(headers))
    body = []
    for k, r in enumerate(rows):
        cls = f' class="{row_classes[k]}"' if row_classes and row_classes[k] else ""
        tds = "".join(f'<td{" class=num" if i in num_cols else ""}>{c}</td>' for i, c in enumerate(r))
        body.append(f"<tr{cls}>{tds}</tr>")
    return f'<div class="tablewrap"><table><thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def badge(text: str, kind: str) -> str:
    return f'<span class="badge b-{kind}">{escape(text)}</span>'


def details(id_: str, summary: str, inner: str, open_: bool = False) -> str:
    """A collapsible block; `summary` is HTML, `inner` is HTML."""
    return (f'<details id="{id_}"{" open" if open_ else ""}><summary>{summary}</summary>'
            f'<div class="inner">{inner}</div></details>')


def pre(text: str, wrap: bool = False) -> str:
    return f'<pre{" class=wrap" if wrap else ""}>{escape(text)}</pre>'


def figure(heading: str, svg_html: str, caption: str) -> str:
    """A plot under an h3 heading with an explanatory caption (HTML)."""
    return f"<h3>{escape(heading)}</h3><figure>{svg_html}<figcaption>{caption}</figcaption></figure>"


def outcome_badge(result: dict[str, Any] | None) -> str:
    """A coloured badge for a task's outcome (first-try, debug-K, failed, infrastructure...)."""
    if result is None:
        return badge("unfinished", "warn")
    out = result.get("outcome") or result.get("status", "?")
    if result.get("status") == "infrastructure":
        return badge(out, "infra")
    if not result.get("correct"):
        return badge(out, "bad")
    if result.get("suspicious"):
        return badge(out + " (speed suspicious)", "warn")
    return badge(out, "fast" if faster_of(result) else "ok")


# -- run report: header and headline -------------------------------------------------------

def _header(run: RunData, ref_note: str) -> str:
    c, s = run.config, run.summary
    parts = [f"<h1>neucomback report: {escape(run.label)}</h1>",
             f'<p class="lede">{_what_this_is(c)} Run directory <code>{escape(str(run.home))}</code>'
             + (f" (tasks below: rollout <code>{escape(str(run.path.relative_to(run.home)))}</code>)" if run.root else "")
             + f"; started {escape(date(run.created))}; report made {escape(date(time.time()))}.</p>"]
    if s.get("scripted"):
        parts.append('<div class="banner scripted">SCRIPTED run: the replies were not written by a model '
                     "(canned by a script, or the reference compiler's output with injected mistakes). "
                     "These numbers say nothing about any model.</div>")
    unfinished = sum(1 for t in run.tasks if t.result is None)
    if s.get("stopped") or unfinished:
        why = f" ({escape(str(s['stopped']))})" if s.get("stopped") else ""
        parts.append(f'<div class="banner warn">Incomplete run{why}: {unfinished} task(s) unfinished. Rerun the '
                     "same bench command to resume it.</div>")
    if s.get("infrastructure_failures"):
        parts.append(f'<div class="banner warn">{s["infrastructure_failures"]} infrastructure failure(s): the '
                     "toolchain or sandbox failed, not the model. Check <code>neucomback doctor</code>.</div>")
    if ref_note:
        parts.append(f'<div class="banner note">{escape(ref_note)}; diffs against clang -O3 are omitted.</div>')
    toc = [("headline", "Headline numbers"), ("plots", "Plots"), ("tasks", "Tasks"), ("provenance", "Provenance")]
    if run.evolve is not None:
        toc.insert(1, ("evolve", "Prompt evolution"))
    parts.append('<nav class="toc">' + "".join(f'<a href="#{i}">{t}</a>' for i, t in toc) + "</nav>")
    return "".join(parts)


def _what_this_is(c: dict[str, Any]) -> str:
    """One plain sentence on what the run did, for a reader new to the tool."""
    return (f"What this is: each task's LLVM IR was given to <b>{escape(str(c.get('model', '?')))}</b> to translate "
            f"into {escape(str(c.get('target', '?')))} assembly. neucomback assembled, ran and checked "
            "every answer against the task's C reference (wrong answers got up to "
            f"{escape(str(c.get('debug_rounds', '?')))} self-debug rounds), and timed correct Level 2 answers "
            "against clang -O3 on this machine.")


def _cards(s: dict[str, Any]) -> str:
    def card(value: str, key: str, sub: str) -> str:
        return f'<div class="card"><div class="v">{escape(value)}</div><div class="k">{key}</div><div class="s">{sub}</div></div>'

    return '<div class="cards">' + "".join([
        card(fmt_value("pct", s.get("acc")), "ACC: correct", f"{s.get('correct', 0)} of {s.get('tasks', 0)} tasks"),
        card(fmt_value("pct", s.get("acc_first")), "ACC@first", "correct on the first try"),
        *([card(fmt_value("pct", s["pass_at"][str(s["epochs"])]), f"pass@{s['epochs']}",
                escape(samples_note(s)))] if samples_note(s) and str(s["epochs"]) in s.get("pass_at", {}) else []),
        card(fmt_value("pct", s.get("acc_perf")), "ACC+Perf",
             f"beat clang -O3 (99% CI&gt;1, &ge;{1 + MIN_EFFECT:.2f}x), of {s.get('level2_tasks', 0)} Level 2 tasks"
             + (f"; {s['suspicious']} suspicious, not counted" if s.get("suspicious") else "")),
        card(speedup(s.get("geomean_speedup")), "geomean speedup", f"vs clang -O3, {s.get('timed', 0)} timed tasks"),
        *([card(fmt_value("pct", s.get("proved_share")), "proved",
                f"of the correct tasks; bounded {fmt_value('pct', s.get('bounded_share'))} (--prove)")]
          if s.get("proof_tiers") else []),
        card(f"${s.get('cost_usd', 0.0):.2f}", "cost",
             f"{s.get('prompt_tokens', 0):,} tokens in, {s.get('completion_tokens', 0):,} out"),
    ]) + "</div>"


def summary_table(summaries: list[tuple[str, dict[str, Any]]]) -> str:
    """bench's metrics table, one row per (label, summary)."""
    heads = ["run", "tasks", *[m.label for m in METRICS], "infra fail"]
    rows = []
    for label, s in summaries:
        name = escape(label) + (" " + badge("SCRIPTED", "warn") if s.get("scripted") else "")
        rows.append([name, tasks_cell(s), *[escape(fmt_value(m.kind, s.get(m.key))) for m in METRICS],
                     str(s.get("infrastructure_failures", 0))])
    return table(heads, rows, set(range(1, len(heads))))


def glossary() -> str:
    items = "".join(f"<dt>{escape(m.label)}</dt><dd>{escape(m.gloss)}</dd>" for m in METRICS)
    return details("glossary", "What the metrics mean", f'<dl class="gloss">{items}</dl>')


def _headline(run: RunData) -> str:
    s = run.summary
    outcomes = ", ".join(f"{escape(k)}: {v}" for k, v in (s.get("outcomes") or {}).items())
    return ('<h2 id="headline">Headline numbers</h2>' + _cards(s) + summary_table([(run.label, s)])
            + f'<p class="small muted">Outcomes: {outcomes or "-"}. ACC+Perf counts Level 2 tasks only '
              f"({s.get('level2_tasks', 0)} here, {s.get('timed', 0)} timed natively).</p>" + glossary())


# -- run report: plots -----------------------------------------------------------------------

def speedup_figure(series: list[svg.Series]) -> str:
    rows = sorted({r for s in series for r in s.values},
                  key=lambda r: -max(s.values[r].value for s in series if r in s.values))
    plot = svg.forest_plot(rows, series, "Speedup vs clang -O3 per task", "speedup vs clang -O3 (log scale)")
    return figure("Speedup vs clang -O3", plot, "Speedup of each correct, timed task over clang -O3. Rule: "
                        + escape(RULE) + ". Right of the dashed line is faster than clang -O3; a bar that crosses it "
                        "is not a significant difference.")


MAX_TAGS = 20  # more bars than this is a wall of colour; the full table is in the Markdown/JSON output


def tag_figure(runs: list[RunData], names: list[str]) -> str:
    """ACC per tag for one or more runs (one bar per run), the MAX_TAGS most common tags."""
    per_run = [{tag: (k, n) for tag, k, n in acc_by_tag(r)} for r in runs]
    totals: dict[str, int] = {}
    for d in per_run:
        for tag, (_, n) in d.items():
            totals[tag] = totals.get(tag, 0) + n
    tags = sorted(totals, key=lambda t: (-totals[t], t))
    shown = tags[:MAX_TAGS]
    labels = [f"{t} (n={per_run[0][t][1]})" if len(runs) == 1 else t for t in shown]
    series = [(n, svg.PALETTE[i % len(svg.PALETTE)], [per_run[i].get(t, (0, 0)) for t in shown])
              for i, n in enumerate(names)]
    more = f" The {len(tags) - len(shown)} rarer tags are omitted here (see the Markdown or JSON output)." \
        if len(tags) > len(shown) else ""
    return figure("ACC by task category", svg.percent_bars(labels, series, "ACC by task category"),
                  "Share of tasks solved (after self-debugging) per task tag; a task counts under each of its tags."
                  + more)


def _run_plots(run: RunData) -> str:
    pts = speedup_points(run)
    fs = svg.Series(run.config.get("model", "run"), svg.PALETTE[0],
                    {t: svg.Interval(v, lo, hi) for t, v, lo, hi in pts})
    ro = round_outcomes(run)
    steps = list(ro)
    stacks = [(o, svg.OUTCOME_COLORS[o], [ro[st][o] for st in steps]) for o in OUTCOMES]
    round_plot = svg.stacked_columns(steps, stacks, "Outcome of each round", "attempts")
    return ('<h2 id="plots">Plots</h2>' + speedup_figure([fs]) + tag_figure([run], ["ACC"])
            + figure("Outcome of each round", round_plot, "Every attempt by round: the first try, the k-th self-debug "
                     "round after a wrong answer, the k-th optimization round after a correct one. <i>faster</i> = "
                     f"correct and faster than clang -O3 by the timing rule (99% CI above 1, at least "
                     f"{1 + MIN_EFFECT:.2f}x)."))


def _evolve_section(run: RunData) -> str:
    """The validation curve by epoch, the decision on each epoch's prompt, accepted diffs and
    the final test comparison (when the evolve run made one)."""
    curve = evolve.evolve_curve(run.evolve)
    metrics = [(label, key) for key, label in evolve.CURVE_METRICS if any(key in e.scores for e in curve)]
    if metrics:
        series = [(label, svg.PALETTE[i], [(float(e.epoch), e.scores[key]) for e in curve if key in e.scores])
                  for i, (label, key) in enumerate(metrics)]
    else:
        series = [("score", svg.PALETTE[0], [(float(e.epoch), e.score) for e in curve if e.score is not None])]
    filled = {float(e.epoch) for e in curve if e.accepted or e.decision == "baseline"}
    plot = svg.line_chart(series, filled, "Validation score by epoch", "epoch", "validation score")
    diffs = evolve.accepted_diffs(run.home, curve)
    parts = ['<h2 id="evolve">Prompt evolution</h2>',
             figure("Validation score by epoch", plot, "Scores of each epoch's prompt on the validation split; "
                    "solid markers: the baseline and accepted prompts, hollow: prompts that were not accepted."),
             _epoch_table(curve), "<h3>Accepted prompt changes</h3>",
             "".join(_epoch_diff(e) for e in diffs) or '<p class="note">No prompt change was accepted.</p>',
             _final_table(evolve.final_rows(run.evolve or {}))]
    return "".join(parts)


def _epoch_table(curve: list[evolve.EpochPoint]) -> str:
    rows = [[str(e.epoch), escape(e.prompt or "-"),
             *[escape(fmt_value("pct", e.scores.get(k))) for k, _ in evolve.CURVE_METRICS],
             escape(e.decision or ("accepted" if e.accepted else "-")), escape(e.best or "-")] for e in curve]
    return table(["epoch", "prompt", *[label for _, label in evolve.CURVE_METRICS], "decision", "best after"],
                 rows, {0, 2, 3, 4})


def _final_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    cols = [("acc", "ACC", "pct"), ("acc_first", "ACC@first", "pct"), ("acc_perf_first", "ACC+Perf (first)", "pct"),
            ("acc_perf", "ACC+Perf", "pct"), ("geomean_speedup", "geomean speedup", "speedup"),
            ("cost_usd", "cost $", "usd")]
    body = [[escape(str(r.get("role"))), escape(str(r.get("prompt", "-"))), str(r.get("tasks", "-")),
             *[escape(fmt_value(kind, r.get(k))) for k, _, kind in cols]] for r in rows]
    return ("<h3>Final test: initial vs selected prompt</h3>"
            + table(["", "prompt", "tasks", *[c[1] for c in cols]], body, set(range(2, 3 + len(cols)))))


def _epoch_diff(e: evolve.EpochPoint) -> str:
    score = "-" if e.score is None else f"{e.score:.4g}"
    return details(anchor("epoch", str(e.epoch)), f"Epoch {e.epoch}: {escape(e.prompt)} accepted (score "
                   f"{escape(score)})", _unified(e.diff) if e.diff else '<p class="note">no diff recorded</p>')


def _unified(diff: str) -> str:
    """A unified diff with added/removed lines coloured."""
    lines = []
    for line in diff.splitlines():
        cls = "add" if line.startswith("+") and not line.startswith("+++") else \
            "del" if line.startswith("-") and not line.startswith("---") else ""
        lines.append(f'<span class="{cls}">{escape(line)}</span>' if cls else escape(line))
    return '<pre class="udiff">' + "\n".join(lines) + "</pre>"


# -- run report: tasks -----------------------------------------------------------------------

def _task_row(t: TaskRecord, proofs: bool = False) -> list[str]:
    r = t.result or {}
    a = anchor("task", t.task_id)
    tokens = r.get("prompt_tokens", 0) + r.get("completion_tokens", 0)
    return [f'<a href="#{a}">{escape(t.task_id)}</a>', str(r.get("level", "-")),
            f'<span class="small">{escape(", ".join(r.get("tags", [])))}</span>', outcome_badge(t.result),
            str(len(t.rounds)), escape(speed_cell(r)),
            *([escape(r.get("proof") or "-")] if proofs else []),
            f"{tokens:,}", f"{r.get('cost_usd', 0.0):.4f}"]


def has_proofs(run: RunData) -> bool:
    """Whether the run was made with --prove (some result carries a proof tier)."""
    return any((t.result or {}).get("proof") for t in run.tasks)


def _tasks_section(run: RunData) -> str:
    proofs = has_proofs(run)
    heads = ["task", "level", "tags", "outcome", "rounds", "speedup [99% CI]", *(["proof"] if proofs else []),
             "tokens", "cost $"]
    rows = [_task_row(t, proofs) for t in run.tasks]
    return ('<h2 id="tasks">Tasks</h2><p class="small muted">One row per task; the task name jumps to its details '
            "below: the transcript (every prompt and reply), the final assembly and a side-by-side diff against "
            "clang -O3's assembly.</p>" + table(heads, rows, {1, 4, 5, 6, 7})
            + ('<p class="small muted">proof: the tier of the --prove stage for the best verified version '
               "(proved: no input of the task's domain makes it differ from clang -O3's code within the stated "
               "limits; bounded: none on the paths explored; unknown: not decided, see the verdict).</p>"
               if proofs else "")
            + '<h3 id="task-details">Task details</h3>' + "".join(_task_detail(run, t) for t in run.tasks))


def _task_detail(run: RunData, t: TaskRecord) -> str:
    """One collapsed block per task (keeps the page short) holding three collapsed parts."""
    a = anchor("task", t.task_id)
    final = t.final
    asm = final.asm if final else None
    verdict = _verdict_line(final) if final else "no attempt recorded"
    summary = (f'<span class="tid">{escape(t.task_id)}</span> {outcome_badge(t.result)} '
               f'<span class="small muted">{escape(verdict)}</span>')
    label = f"Final assembly (round {final.index}, {final.step})" if final else "Final assembly"
    inner = (details(f"{a}-transcript", f"Transcript: {len(t.rounds)} round(s)",
                     "".join(_round_html(t, r) for r in t.rounds) or '<p class="note">no rounds</p>')
             + details(f"{a}-asm", label, pre(asm) if asm else '<p class="note">no assembly was extracted.</p>')
             + details(f"{a}-diff", _diff_summary(t, asm), _diff_body(t, asm, run)))
    return details(a, summary, inner)


def _verdict_line(r: RoundRecord) -> str:
    """Verdict.summary() of a stored verdict (the same sentence `verify` prints)."""
    try:
        return f"round {r.index} ({r.step}): " + Verdict.from_json(r.verdict).summary()
    except Exception:  # noqa: BLE001 - an unreadable verdict must not break the report
        return f"round {r.index} ({r.step}): {'correct' if r.correct else 'wrong'}"


def _round_html(t: TaskRecord, r: RoundRecord) -> str:
    cls = "r-infra" if r.infrastructure else ("r-ok" if r.correct else "r-bad")
    b = badge(r.outcome, {"faster": "fast", "correct": "ok", "wrong": "bad"}.get(r.outcome, "infra"))
    out = [f'<div class="round {cls}" id="{anchor("task", t.task_id, "r" + str(r.index))}">'
           f"<h4>Round {r.index}: {escape(r.step)} {b}</h4>"]
    for m in r.new_messages:
        role, content = m.get("role", "?"), m.get("content", "")
        if role == "system":
            out.append(f"<details><summary>system prompt ({len(content):,} chars)</summary>"
                       f'<div class="inner">{pre(content, True)}</div></details>')
        else:
            out.append(f'<div class="role">{escape(role)}</div>{pre(content, True)}')
    rep = r.reply
    meta = f"{rep.get('provider', '?')}:{rep.get('model', '?')}, {rep.get('prompt_tokens', 0)} tokens in, " \
           f"{rep.get('completion_tokens', 0)} out, {rep.get('latency_s', 0.0):.1f}s" + \
           (", cached" if rep.get("cached") else "") + (", SCRIPTED" if rep.get("scripted") else "")
    out.append(f'<div class="role">reply <span class="muted small">({escape(meta)})</span></div>'
               f"{pre(rep.get('text', ''), True)}")
    out.append(f'<div class="role">verdict</div><p class="small">{escape(_verdict_line(r))}</p>')
    fb = r.verdict.get("feedback")
    if fb and not r.correct:
        out.append(pre(fb, True))
    return "".join(out) + "</div>"


def _diff_summary(t: TaskRecord, asm: str | None) -> str:
    if not asm or t.reference_asm is None:
        return "Diff against clang -O3: not available"
    st = stats(t.reference_asm.splitlines(), asm.splitlines())
    if st.added == st.removed == 0:
        return "Diff against clang -O3: identical"
    return f"Diff against clang -O3: +{st.added} / \u2212{st.removed} lines"


def _diff_body(t: TaskRecord, asm: str | None, run: RunData) -> str:
    if not asm:
        return '<p class="note">no final assembly to compare.</p>'
    if t.reference_asm is None:
        return f'<p class="note">{escape(t.reference_note or "reference assembly was not computed")}</p>'
    model = str(run.config.get("model", "candidate"))
    return side_by_side(t.reference_asm, asm, "clang -O3 (llc -O3 on the same IR)", f"{model} (final)")


# -- run report: provenance and assembly -------------------------------------------------------

def _provenance_section(run: RunData) -> str:
    rows, note = provenance_rows(run)
    warn = f'<div class="banner note">Note: {escape(note)}.</div>' if note else ""
    return ('<h2 id="provenance">Provenance</h2>' + warn
            + table(["what", "value"], [[escape(k), escape(v)] for k, v in rows]))


def render_report(run: RunData, ref_note: str = "") -> str:
    """The full HTML report of one run (reference asm should already be attached)."""
    body = [_header(run, ref_note), _headline(run)]
    if run.evolve is not None:  # for an evolve run the curve is the news: right after the headline
        body.append(_evolve_section(run))
    body += [_run_plots(run), _tasks_section(run), _provenance_section(run), _footer()]
    return page(f"neucomback report: {run.label}", "".join(body))


def _footer() -> str:
    return (f"<footer>Made by <code>neucomback report</code> {escape(__version__)}. Self-contained: no scripts, no "
            "network; plots are inline SVG.</footer>")


# -- comparison page --------------------------------------------------------------------------

def render_compare(cmp: Comparison) -> str:
    """The HTML page comparing runs: metrics side by side, flips, speedup deltas, plots."""
    names = cmp.names
    head = (f"<h1>neucomback comparison: {escape(' vs '.join(names))}</h1>"
            '<p class="lede">What this is: the same metrics for each run side by side (the first run is the '
            "baseline for deltas), the tasks whose correctness flipped between runs, and per-task speedups vs "
            f"clang -O3. Page made {escape(date(time.time()))}.</p>")
    if any(r.summary.get("scripted") for r in cmp.runs):
        head += '<div class="banner scripted">At least one run is SCRIPTED (canned replies, not a model).</div>'
    head += ('<nav class="toc"><a href="#metrics">Metrics</a><a href="#flips">Flipped tasks</a>'
             '<a href="#plots">Plots</a><a href="#pertask">Per task</a><a href="#runs">Runs</a></nav>')
    return page("neucomback comparison: " + " vs ".join(names),
                head + _cmp_metrics(cmp) + _cmp_flips(cmp) + _cmp_plots(cmp) + _cmp_tasks(cmp) + _cmp_runs(cmp)
                + _footer())


def _cmp_metrics(cmp: Comparison) -> str:
    heads = ["metric", *[escape(n) for n in cmp.names]] + [f"\u0394 {escape(n)}" for n in cmp.names[1:]]
    rows = [["tasks (finished/total)", *[tasks_cell(r.summary) for r in cmp.runs], *[""] * (len(cmp.runs) - 1)]]
    for m in METRICS:
        vals = [r.summary.get(m.key) for r in cmp.runs]
        rows.append([escape(m.label), *[escape(fmt_value(m.kind, v)) for v in vals],
                     *[escape(fmt_delta(m.kind, vals[0], v)) for v in vals[1:]]])
    return ('<h2 id="metrics">Metrics</h2>' + table(heads, rows, set(range(1, len(heads)))) + glossary())


def _cmp_flips(cmp: Comparison) -> str:
    flips = [t for t in cmp.tasks if t.flipped]
    if not flips:
        return '<h2 id="flips">Flipped tasks</h2><p>No task is correct in one run and wrong in another.</p>'
    rows = [[f'<a href="#{anchor("cmp", t.task_id)}">{escape(t.task_id)}</a>',
             *[_cell_correct(c) for c in t.correct]] for t in flips]
    return (f'<h2 id="flips">Flipped tasks ({len(flips)})</h2><p class="small muted">Correct in at least one run and '
            "wrong in another (tasks missing from a run are not counted as flips).</p>"
            + table(["task", *[escape(n) for n in cmp.names]], rows))


def _cell_correct(c: bool | None) -> str:
    return "-" if c is None else (badge("correct", "ok") if c else badge("wrong", "bad"))


def _cmp_plots(cmp: Comparison) -> str:
    series = [svg.Series(n, svg.PALETTE[i % len(svg.PALETTE)],
                         {t: svg.Interval(v, lo, hi) for t, v, lo, hi in speedup_points(r)})
              for i, (n, r) in enumerate(zip(cmp.names, cmp.runs))]
    return '<h2 id="plots">Plots</h2>' + speedup_figure(series) + tag_figure(cmp.runs, cmp.names)


def _cmp_tasks(cmp: Comparison) -> str:
    heads = ["task"] + [f"{escape(n)}" for n in cmp.names] + [f"speedup ratio {escape(n)} / {escape(cmp.names[0])}"
                                                               for n in cmp.names[1:]]
    rows, classes = [], []
    for t in cmp.tasks:
        cells = [_cmp_cell(c) for c in t.cells]
        ratios = [("-" if x is None else f"{x:.3f}") for x in t.speedup_ratios[1:]]
        rows.append([f'<span id="{anchor("cmp", t.task_id)}">{escape(t.task_id)}</span>', *cells, *ratios])
        classes.append("flip" if t.flipped else "")
    return ('<h2 id="pertask">Per task</h2><p class="small muted">Outcome and speedup vs clang -O3 [99% CI] in each '
            "run; highlighted rows flipped. The ratio column divides a run's speedup by the first run's.</p>"
            + table(heads, rows, set(range(len(cmp.names) + 1, len(heads))), classes))


def _cmp_cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return '<span class="muted">not in run</span>'
    s = speed_cell(r)
    return outcome_badge(r) + ("" if s == "-" else f' <span class="small">{escape(s)}</span>')


def _cmp_runs(cmp: Comparison) -> str:
    rows = []
    for n, r in zip(cmp.names, cmp.runs):
        prov, _ = provenance_rows(r)
        p = dict(prov)
        rows.append([escape(n), escape(str(r.home)), escape(r.label), escape(date(r.created)),
                     escape(p.get("neucomback version", "?")), escape(p.get("CPU", "?"))])
    return ('<h2 id="runs">Runs</h2>' + summary_table(list(zip(cmp.names, [r.summary for r in cmp.runs])))
            + table(["name", "directory", "what", "started", "version", "CPU"], rows))
