"""Targets and toolchain discovery."""

import pytest

from neucomback.errors import UsageError
from neucomback.targets import TARGETS, get_target
from neucomback.toolchain import doctor_report


def test_three_targets_with_required_flags() -> None:
    assert set(TARGETS) == {"x86_64", "aarch64", "riscv64"}
    rv = get_target("riscv64")
    assert "-mattr=+m,+a,+f,+d,+c" in rv.llc_flags and "-target-abi=lp64d" in rv.llc_flags
    assert get_target("aarch64").run_prefix()[:3] == ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]
    assert get_target("x86_64").run_prefix() == []


def test_unknown_target_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown target 'mips'"):
        get_target("mips")


def test_doctor_finds_the_installed_toolchain() -> None:
    found = {s.spec.key: s for s in doctor_report()}
    for key in ("clang", "llc", "llvm-mca", "qemu-aarch64", "qemu-riscv64", "bwrap", "sysroot-aarch64"):
        assert found[key].found, key
    assert "19." in (found["llc"].version or "") or "19." in (found["clang"].version or "")
