"""Honest compiler output passes every new check (guard zones, sealed inputs, the calling
convention trampoline, the symbol policy, bit-exact floats) on all three targets."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from neucomback.baseline import COMPILERS, compile_baseline
from neucomback.targets import get_target

# plain scalars, struct by value on the stack, a struct returned in memory, floats, a string, a kernel
SAMPLE = ("l1_gcd_u32", "l1_struct_mixed_big_byval", "l1_struct_bbox_ret", "l1_dbl_round_modes_out",
          "l1_struct_mat2f_pow_ret", "l1_qsort_median_f64",
          "l1_str_json_token_count", "l2_saxpy_f64")


@pytest.mark.parametrize("target", ["x86_64", "aarch64", "riscv64"])
@pytest.mark.parametrize("compiler", COMPILERS)
def test_honest_compilers_pass_on_every_target(suite, evaluator, target, compiler) -> None:  # type: ignore[no-untyped-def]
    t = get_target(target)
    for task_id in SAMPLE:
        task = suite.get(task_id)
        with tempfile.TemporaryDirectory() as d:
            asm = Path(d) / "b.s"
            assert compile_baseline(task, t, compiler, asm) is None
            v = evaluator.verify(task, t, asm.read_text(), timing=False)
        assert v.correct, f"{compiler} {target} {task_id}: {v.feedback[:500]}"
