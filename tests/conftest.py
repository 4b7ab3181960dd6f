"""Shared fixtures: a private cache per test session, the built-in suite, compiled candidates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # A fresh cache per session: tests never reuse artifacts built by another toolchain.
    os.environ["NEUCOMBACK_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def suite():  # type: ignore[no-untyped-def]
    from neucomback.suite import load_suite

    return load_suite("builtin")


@pytest.fixture(scope="session")
def evaluator():  # type: ignore[no-untyped-def]
    from neucomback.harness.evaluate import Evaluator

    return Evaluator(pairs=5)


def c_to_asm(c_source: str, target_name: str, tmp: Path, opt: str = "-O1") -> str:
    """Compile C to assembly for a target: how the tests write 'model output' with known behaviour."""
    from neucomback.targets import get_target

    target = get_target(target_name)
    src = tmp / "cand.c"
    src.write_text(c_source)
    out = tmp / "cand.s"
    subprocess.run(["clang-19", *target.clang_flags, opt, "-ffp-contract=off", "-S", str(src), "-o", str(out)],
                   check=True)
    return out.read_text()


@pytest.fixture
def to_asm(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda src, target="x86_64", opt="-O1": c_to_asm(src, target, tmp_path, opt)
