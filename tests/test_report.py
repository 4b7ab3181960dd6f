"""Reports, comparisons and run listings, rendered from real recorded runs.

A session fixture records two small runs through the real CLI: `llc:O3` on two Level 2
tasks with one optimization round (timed, so the speedup plot has points), and a SCRIPTED
provider that never answers with assembly on the same tasks (failed rounds, self-debug,
the SCRIPTED banner, and flips when compared). The HTML is checked structurally (tables,
<svg> plots, every internal link resolves, nothing external) and, when Debian's chromium
is installed, loaded headless: screenshot taken, no console messages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

CLI = [sys.executable, "-m", "neucomback.cli.main"]
TASKS = ["--split", "all", "--level", "2", "--limit", "2"]


def cli(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    # a wide virtual terminal, so rich does not abbreviate the names the tests look for
    proc = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two recorded runs under one directory: `good` (llc:O3) and `scripted` (always fails)."""
    root = tmp_path_factory.mktemp("runs", numbered=False)  # named so, `runs` without DIR finds it
    script = root.parent / "never.json"
    script.write_text(json.dumps({"rules": [], "default": "Sorry, no assembly from me today."}))
    cli("bench", "--model", "llc:O3", *TASKS, "--opt-rounds", "1", "--run-dir", root / "good", "--json")
    cli("bench", "--model", f"scripted:{script}", *TASKS, "--debug-rounds", "1", "--run-dir", root / "scripted",
        "--json", check=False)  # exit status of a run with wrong answers is not this test's concern
    return {"root": root, "good": root / "good", "scripted": root / "scripted"}


@pytest.fixture(scope="session")
def good_report(runs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report")
    proc = cli("report", runs["good"], "-o", out / "report.html", "--markdown", out / "report.md", "--json")
    return {"doc": json.loads(proc.stdout), "html": out / "report.html", "md": out / "report.md"}


class _Scan(HTMLParser):
    """Collects ids, link targets, tags and attribute values of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k in ("href", "src", "xlink:href", "action", "data", "poster") and v is not None:
                self.refs.append((tag, k, v))


def scan(path: Path) -> _Scan:
    s = _Scan()
    s.feed(path.read_text())
    return s


def assert_self_contained(path: Path) -> _Scan:
    """Every href/src is an anchor to an existing id or an existing relative file; none is
    external; the page has no scripts and loads no stylesheet or image from anywhere."""
    s = scan(path)
    assert s.refs, "expected internal links"
    for tag, attr, v in s.refs:
        assert not re.match(r"^(https?:)?//", v), f"external {attr} on <{tag}>: {v}"
        assert not v.startswith(("javascript:", "data:text/html")), v
        if v.startswith("#"):
            assert v[1:] in s.ids, f"<{tag} {attr}={v!r}> points to no id"
        else:
            assert (path.parent / v.split("#")[0]).exists(), f"<{tag} {attr}={v!r}> points to no file"
    assert "script" not in s.tags and "link" not in s.tags and "iframe" not in s.tags
    return s


# -- the report of one run ------------------------------------------------------------------

def test_report_has_tables_plots_and_task_details(good_report: dict[str, Any], runs: dict[str, Path]) -> None:
    html = good_report["html"].read_text()
    for metric in ("ACC", "ACC@first", "ACC+Perf", "fast_1.0", "fast_1.1", "geomean speedup", "tokens in", "cost $"):
        assert f">{metric}</th>" in html, metric
    assert html.count("<svg") >= 3
    for heading in ("Speedup vs clang -O3", "ACC by task category", "Outcome of each round", "Provenance"):
        assert heading in html
    s = scan(good_report["html"])
    doc = good_report["doc"]
    assert [t["task_id"] for t in doc["tasks"]] and len(doc["tasks"]) == 2
    for t in doc["tasks"]:
        a = "task-" + t["task_id"]
        assert {a, f"{a}-transcript", f"{a}-asm", f"{a}-diff"} <= s.ids
        assert f'href="#{a}"' in html
        assert t["result"]["correct"] and t["result"]["speedup"] is not None
    # llc:O3's own assembly is the reference: the diff says so instead of showing a table
    assert "is identical to clang -O3" in html
    assert "SCRIPTED run" not in html
    assert good_report["html"].stat().st_mode & 0o044 == 0o044  # shareable


def test_report_links_resolve_and_nothing_is_external(good_report: dict[str, Any]) -> None:
    assert_self_contained(good_report["html"])


def test_report_json_and_round_outcomes(good_report: dict[str, Any]) -> None:
    doc = good_report["doc"]
    assert doc["summary"]["acc"] == 1.0 and doc["summary"]["model"] == "llc:O3"
    assert doc["outputs"]["html"].endswith("report.html")
    # the opt round re-asks llc without IR, which it cannot answer: a wrong attempt in "opt 1"
    assert doc["round_outcomes"]["first try"]["wrong"] == 0
    assert sum(doc["round_outcomes"]["opt 1"].values()) == 2
    steps = [r["step"] for r in doc["tasks"][0]["rounds"]]
    assert steps == ["first try", "opt 1"]
    assert doc["provenance_source"] == "run"
    prov = doc["provenance"]
    assert prov["toolchain"]["llc"] and prov["cpu_model"] is not None
    assert "-O3" in prov["reference"]["x86_64"]["clang"]


def test_markdown_has_same_tables_and_working_links(good_report: dict[str, Any]) -> None:
    md = good_report["md"].read_text()
    assert "| run | tasks | ACC | ACC@first | ACC+Perf |" in md
    assert "## Tasks" in md and "## Provenance" in md
    links = re.findall(r"\]\(([^)]+)\)", md)
    assert links
    for link in links:
        assert (good_report["md"].parent / link).is_dir(), link


def test_scripted_run_is_flagged_and_failures_are_explained(runs: dict[str, Path], tmp_path: Path) -> None:
    proc = cli("report", runs["scripted"], "-o", tmp_path / "s.html", "--json")
    doc = json.loads(proc.stdout)
    html = (tmp_path / "s.html").read_text()
    assert "SCRIPTED run" in html and doc["summary"]["scripted"]
    assert doc["summary"]["acc"] == 0.0
    assert doc["round_outcomes"]["debug 1"]["wrong"] == 2
    assert "no final assembly to compare" in html or "no assembly was extracted" in html
    assert "Your reply contained no assembly" in html  # the debug feedback sent to the "model"
    assert_self_contained(tmp_path / "s.html")


def test_report_of_a_run_without_recorded_provenance_computes_it(runs: dict[str, Path], tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(runs["good"], old)
    with sqlite3.connect(old / "run.sqlite") as db:
        db.execute("DELETE FROM meta WHERE key = 'provenance'")
    doc = json.loads(cli("report", old, "--json").stdout)
    assert doc["provenance_source"] == "report-time"
    assert "did not record its provenance" in (old / "report.html").read_text()


def test_evolve_json_beside_a_run_adds_the_curve_and_diffs(runs: dict[str, Path], tmp_path: Path) -> None:
    ev = tmp_path / "ev"
    shutil.copytree(runs["good"], ev)
    epochs = [{"epoch": 0, "valid_score": 0.40, "accepted": True, "prompt_diff": "+ use lea for address math"},
              {"epoch": 1, "valid_score": 0.35, "accepted": False},
              {"epoch": 2, "score": 0.55, "accepted": True, "prompt_diff": "- old rule\n+ new <rule>"}]
    (ev / "evolve.json").write_text(json.dumps({"epochs": epochs}))
    doc = json.loads(cli("report", ev, "--json").stdout)
    assert [e["score"] for e in doc["evolve"]] == [0.40, 0.35, 0.55]
    html = (ev / "report.html").read_text()
    assert 'id="evolve"' in html and "Validation score by epoch" in html
    assert "+ new &lt;rule&gt;" in html and "use lea for address math" in html
    assert_self_contained(ev / "report.html")


def make_evolve_dir(good: Path, root: Path) -> Path:
    """An evolve run directory as evolve/loop.py lays it out (evolve.json, prompts/, eval/),
    with recorded rollouts borrowed from a bench run."""
    from neucomback.agent.prompts import Prompt

    Prompt(name="initial").save(root / "prompts" / "initial.toml")
    Prompt(name="e1", parent="initial", correctness="- Keep rsp 16-byte aligned at calls.\n").save(
        root / "prompts" / "e1.toml")
    Prompt(name="e2", parent="e1", correctness="- Do not emit AVX.\n").save(root / "prompts" / "e2.toml")
    shutil.copytree(good, root / "eval" / "valid" / "initial")
    shutil.copytree(good, root / "eval" / "test" / "e1")
    score = lambda acc: {"acc": acc, "acc_first": acc / 2, "tasks": 2.0}  # noqa: E731
    doc = {"schema": 1, "command": "evolve", "scripted": True,
           "settings": {"model": "openai:mock", "suite": "builtin", "target": "x86_64", "epochs": 2},
           "epochs": [{"epoch": 0, "prompt": "initial", "valid": score(0.5), "decision": "baseline", "best": "initial"},
                      {"epoch": 1, "prompt": "e1", "valid": score(1.0), "decision": "accepted", "best": "e1"},
                      {"epoch": 2, "prompt": "e2", "valid": score(0.5), "decision": "rolled back", "best": "e1"}],
           "best": {"prompt": "e1", "file": "best_prompt.toml", "valid": score(1.0)},
           "final": {"initial": {"prompt": "initial", "tasks": 2, "acc": 0.5}, "best": {"prompt": "e1", "tasks": 2,
                                                                                     "acc": 1.0}},
           "stopped": "", "complete": True}
    (root / "evolve.json").write_text(json.dumps(doc))
    return root


def test_an_evolve_run_directory_is_reported_and_listed(runs: dict[str, Path], tmp_path: Path) -> None:
    ev = make_evolve_dir(runs["good"], tmp_path / "runs" / "evo")
    doc = json.loads(cli("report", ev, "--json", "--markdown", tmp_path / "evo.md").stdout)
    assert doc["run_dir"] == str(ev) and doc["rollout_dir"] == str(ev / "eval" / "test" / "e1")
    assert doc["config"]["command"] == "evolve" and doc["config"]["model"] == "openai:mock"
    assert [e["decision"] for e in doc["evolve"]] == ["baseline", "accepted", "rolled back"]
    html = (ev / "report.html").read_text()
    assert "Final test: initial vs selected prompt" in html and "rolled back" in html
    # the accepted epoch's diff is computed from the saved prompt versions
    assert "+- Keep rsp 16-byte aligned at calls." in html and "Do not emit AVX" not in html
    assert_self_contained(ev / "report.html")
    assert "## Prompt evolution" in (tmp_path / "evo.md").read_text()
    listed = json.loads(cli("runs", tmp_path / "runs", "--json").stdout)
    assert [(Path(r["run_dir"]).name, r["command"]) for r in listed] == [("evo", "evolve")]  # not its rollouts


def test_a_killed_run_shows_its_unfinished_tasks(runs: dict[str, Path], tmp_path: Path) -> None:
    killed = tmp_path / "killed"
    shutil.copytree(runs["good"], killed)
    with sqlite3.connect(killed / "run.sqlite") as db:  # as if killed after the attempts, before the result
        gone = db.execute("SELECT task_id FROM results ORDER BY task_id LIMIT 1").fetchone()[0]
        db.execute("DELETE FROM results WHERE task_id = ?", (gone,))
    doc = json.loads(cli("report", killed, "--json").stdout)
    assert doc["summary"]["tasks"] == 1
    assert {t["task_id"]: t["status"] for t in doc["tasks"]}[gone] == "unfinished"
    html = (killed / "report.html").read_text()
    assert "Incomplete run" in html and "unfinished" in html
    assert_self_contained(killed / "report.html")


def test_report_rejects_a_directory_that_is_not_a_run(tmp_path: Path) -> None:
    proc = cli("report", tmp_path, check=False)
    assert proc.returncode == 2 and "not a run directory" in proc.stderr


# -- compare and runs -----------------------------------------------------------------------

def test_compare_reports_flips_and_metric_deltas(runs: dict[str, Path], tmp_path: Path) -> None:
    proc = cli("compare", runs["good"], runs["scripted"], "--html", tmp_path / "c.html", "--markdown",
               tmp_path / "c.md", "--json")
    doc = json.loads(proc.stdout)
    assert len(doc["flipped"]) == 2 and all(t["correct"] == [True, False] for t in doc["tasks"])
    acc = next(m for m in doc["metrics"] if m["metric"] == "acc")
    assert acc["values"] == [1.0, 0.0] and acc["deltas"][1] == "-100.0 pp"
    html = (tmp_path / "c.html").read_text()
    assert "Flipped tasks (2)" in html and "<svg" in html and "SCRIPTED" in html
    assert_self_contained(tmp_path / "c.html")
    assert "## Flipped tasks (2)" in (tmp_path / "c.md").read_text()
    text = cli("compare", runs["good"], runs["scripted"]).stdout
    assert "FLIP" in text and "ACC" in text


def test_compare_needs_two_runs(runs: dict[str, Path]) -> None:
    proc = cli("compare", runs["good"], check=False)
    assert proc.returncode == 2 and "at least two" in proc.stderr


def test_runs_lists_with_optional_dir_and_shows_one(runs: dict[str, Path]) -> None:
    listed = json.loads(cli("runs", runs["root"], "--json").stdout)
    assert sorted(Path(r["run_dir"]).name for r in listed) == ["good", "scripted"]
    assert {r["model"].split(":")[0] for r in listed} == {"llc", "scripted"}
    assert json.loads(cli("runs", "list", runs["root"], "--json").stdout) == listed
    text = cli("runs", runs["root"]).stdout
    assert "good" in text and "SCRIPTED" in text
    shown = json.loads(cli("runs", "show", runs["good"], "--json").stdout)
    assert shown["summary"]["tasks"] == 2 and len(shown["tasks"]) == 2
    assert "first-try" in cli("runs", "show", runs["good"]).stdout
    # `runs` with no DIR lists ./runs
    default = json.loads(subprocess.run([*CLI, "runs", "--json"], capture_output=True, text=True, check=True,
                                        cwd=runs["root"].parent).stdout)
    assert len(default) == 2


# -- the renderers' small parts -------------------------------------------------------------

def test_log_ticks_and_empty_plots() -> None:
    from neucomback.report import svg

    for lo, hi in ((0.15, 2.0), (0.9, 1.1), (0.01, 50.0)):
        ticks = svg.log_ticks(lo, hi)
        assert 1.0 in ticks and 2 <= len(ticks) <= 9 and all(lo <= t <= hi for t in ticks)
    assert "no timed results" in svg.forest_plot([], [], "t", "x")
    assert "<svg" in svg.percent_bars([], [], "t")


def test_side_by_side_diff() -> None:
    from neucomback.report.diff import side_by_side

    assert "identical" in side_by_side("a\nb", "a\nb", "L", "R")
    html = side_by_side("a\nb\n<c>", "a\nB\n<c>\nd", "L", "R")
    assert 'class="chg"' in html and 'class="add"' in html and "&lt;c&gt;" in html and "id=" not in html


def test_evolve_curve_reads_several_shapes() -> None:
    from neucomback.report.evolve import evolve_curve

    assert [e.score for e in evolve_curve([{"score": 1}, {"acc": 0.5}])] == [1.0, 0.5]
    assert evolve_curve({"history": [{"epoch": 3, "val": 0.2, "accepted": True}]})[0].epoch == 3
    loop = evolve_curve({"epochs": [{"epoch": 1, "valid": {"acc": 0.5, "acc_perf": 0.25}, "decision": "accepted"}]})
    assert loop[0].score == 0.5 and loop[0].accepted and loop[0].scores["acc_perf"] == 0.25
    assert evolve_curve("nonsense") == [] and evolve_curve({"epochs": 5}) == []


# -- in a real browser ----------------------------------------------------------------------

def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browse(page: Path, png: Path, profile: Path) -> list[str]:
    """Screenshot `page` in headless Chromium; return its console lines (errors, logs,
    uncaught exceptions: Chromium logs them all as CONSOLE lines on stderr)."""
    cmd = [_chromium() or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           f"--screenshot={png}", "--window-size=1400,2000", "--enable-logging=stderr", "--v=0",
           page.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(profile)})
    assert png.is_file(), f"no screenshot:\n{proc.stderr[-2000:]}"
    return [line for line in proc.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_pages_load_in_chromium_without_console_errors(good_report: dict[str, Any], runs: dict[str, Path],
                                                       tmp_path: Path) -> None:
    # the scanner itself must see errors, or a clean result would mean nothing
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>console.error('boom'); missingFn();</script></body></html>")
    assert len(browse(bad, tmp_path / "bad.png", tmp_path / "p0")) == 2
    assert browse(good_report["html"], tmp_path / "report.png", tmp_path / "p1") == []
    cli("compare", runs["good"], runs["scripted"], "--html", tmp_path / "c.html")
    assert browse(tmp_path / "c.html", tmp_path / "compare.png", tmp_path / "p2") == []
    # a rendered page, not a blank one: a 1400x2000 screenshot of text and plots compresses poorly
    assert (tmp_path / "report.png").stat().st_size > 50_000
