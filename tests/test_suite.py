"""The built-in suite: size, coverage, splits, and a sample verified on every target."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from neucomback.baseline import run_baseline
from neucomback.harness.pool import VerifierPool
from neucomback.suite.loader import assign_splits
from neucomback.targets import get_target

L1_CATEGORIES = ["integer", "bits", "overflow", "unsigned", "64bit", "branches", "switch", "loops", "early-return",
                 "recursion", "arrays", "pointers", "structs", "struct-by-value", "globals", "static-data", "strings",
                 "float", "double", "conversions", "libc", "callbacks"]
L2_CATEGORIES = ["streaming", "elementwise", "reduction", "strided", "indirect", "conditional", "stencil",
                 "recurrence", "scan", "nested", "matrix", "packing"]


def test_sizes_and_categories(suite) -> None:  # type: ignore[no-untyped-def]
    l1, l2 = suite.select(level=1), suite.select(level=2)
    assert len(l1) >= 150 and len(l2) >= 60
    tags1 = Counter(t for task in l1 for t in task.tags)
    tags2 = Counter(t for task in l2 for t in task.tags)
    assert all(tags1[c] >= 2 for c in L1_CATEGORIES), {c: tags1[c] for c in L1_CATEGORIES}
    assert all(tags2[c] >= 2 for c in L2_CATEGORIES), {c: tags2[c] for c in L2_CATEGORIES}


def test_differential_test_counts(suite) -> None:  # type: ignore[no-untyped-def]
    for task in suite.select(level=1):
        assert task.cases >= 20, task.id
    for task in suite.select(level=2):
        assert len(task.sizes) >= 3 and 1 in task.sizes, task.id
        assert any(n % 2 == 1 and n > 1 for n in task.sizes), task.id  # not a multiple of any vector width


@pytest.mark.parametrize("level", [1, 2])
def test_splits_are_fixed_seeded_and_60_20_20(suite, level) -> None:  # type: ignore[no-untyped-def]
    tasks = suite.select(level=level)
    recorded = {t.id: t.split for t in tasks}
    assert recorded == assign_splits(list(recorded))  # what is in task.toml is what the seed gives
    counts = Counter(recorded.values())
    n = len(tasks)
    assert abs(counts["train"] - 0.6 * n) <= 1 and abs(counts["valid"] - 0.2 * n) <= 1


@pytest.mark.parametrize("target", ["x86_64", "aarch64", "riscv64"])
def test_a_random_sample_passes_llc_O3_on_every_target(suite, target) -> None:  # type: ignore[no-untyped-def]
    """The whole suite is checked by `neucomback baseline` (see the README); CI checks a sample."""
    sample = random.Random(7).sample(suite.select(), 8)
    with VerifierPool(2) as pool:
        results = run_baseline(sample, get_target(target), "llc-O3", pool, jobs=2, timing=False)
    bad = [(r.task.id, r.verdict.feedback[:300]) for r in results if not r.verdict.correct]
    assert not bad
