"""Run state a person can trust: a damaged run directory is a clear error, never a silent
fresh start, and one unreadable run never hides the others."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neucomback.errors import UsageError
from neucomback.record.store import RunStore

EXE = str(Path(sys.executable).parent / "neucomback")


def ncb(*args: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def a_run(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("runs") / "good"
    r = ncb("bench", "--model", "llc:O3", "--split", "test", "--level", "1", "--limit", "2", "--run-dir", str(d))
    assert r.returncode == 0, r.stderr
    return d


def copy_of(run: Path, tmp_path: Path, name: str) -> Path:
    dst = tmp_path / "runs" / name
    shutil.copytree(run, dst)
    return dst


@pytest.mark.parametrize("damage", ["truncate", "half", "garbage", "delete"])
def test_damaged_database_is_a_clear_error_not_a_fresh_start(a_run, tmp_path, damage) -> None:  # type: ignore[no-untyped-def]
    d = copy_of(a_run, tmp_path, damage)
    db = d / "run.sqlite"
    for extra in ("run.sqlite-wal", "run.sqlite-shm"):
        (d / extra).unlink(missing_ok=True)
    data = db.read_bytes()
    if damage == "truncate":
        db.write_bytes(b"")
    elif damage == "half":
        db.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        db.write_bytes(b"\x00garbage" * 1000)
    else:
        db.unlink()
    before = db.read_bytes() if db.exists() else None
    with pytest.raises(UsageError, match="cannot be resumed safely|corrupt|not a readable"):
        RunStore(d)
    r = ncb("bench", "--model", "llc:O3", "--split", "test", "--level", "1", "--limit", "2", "--run-dir", str(d))
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) <= 3
    assert (db.read_bytes() if db.exists() else None) == before  # nothing was overwritten


def test_runs_listing_skips_and_names_an_unreadable_run(a_run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    copy_of(a_run, tmp_path, "ok")
    bad = copy_of(a_run, tmp_path, "bad")
    for extra in ("run.sqlite-wal", "run.sqlite-shm"):
        (bad / extra).unlink(missing_ok=True)
    (bad / "run.sqlite").write_bytes(b"\x00garbage" * 1000)
    r = ncb("runs", "list", str(tmp_path / "runs"))
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "ok" in r.stdout and "skipped" in r.stderr and "bad" in r.stderr
    rep = ncb("report", str(bad))
    assert rep.returncode == 2 and "Traceback" not in rep.stderr and "cannot be read" in rep.stderr


def read_only(d: Path, *args: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run the CLI with `d` mounted read-only (a bubblewrap bind: even root gets EROFS there,
    as on a read-only share, where directory permissions would not stop root)."""
    return subprocess.run(["bwrap", "--bind", "/", "/", "--ro-bind", str(d), str(d), "--dev", "/dev",
                           "--proc", "/proc", EXE, *args], capture_output=True, text=True, timeout=600)


def test_read_only_run_directory_reads_but_does_not_resume(a_run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = copy_of(a_run, tmp_path, "ro")
    before = {p: p.read_bytes() for p in d.rglob("*") if p.is_file()}
    resumed = read_only(d, "bench", "--model", "llc:O3", "--split", "test", "--level", "1", "--limit", "2",
                        "--run-dir", str(d))
    assert resumed.returncode == 2 and "cannot open the run for writing" in resumed.stderr, resumed.stderr
    assert "Traceback" not in resumed.stderr
    # reading needs no write: report to a file elsewhere, the listing, the default output's error
    out = tmp_path / "r.html"
    rep = read_only(d, "report", str(d), "-o", str(out), "--json")
    assert rep.returncode == 0 and out.stat().st_size > 0, rep.stderr
    listed = read_only(d, "runs", "list", str(d.parent))
    assert listed.returncode == 0 and "ro" in listed.stdout and "skipped" not in listed.stderr
    default = read_only(d, "report", str(d))
    assert default.returncode == 2 and "cannot write" in default.stderr and "Traceback" not in default.stderr
    assert {p: p.read_bytes() for p in d.rglob("*") if p.is_file()} == before
