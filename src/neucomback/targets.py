"""Compilation targets: triple, llc and clang flags, and how to run a binary.

x86_64 runs natively; aarch64 and riscv64 run under qemu-user with the Debian cross sysroot.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

from .errors import UsageError


@dataclass(frozen=True)
class Target:
    """Everything the harness needs to know about one ISA.

    `clang_flags` are given to every clang invocation for this target (IR generation,
    reference builds, harness objects) so that reference and candidate see the same ISA.
    """

    name: str
    triple: str
    llc_flags: tuple[str, ...]
    clang_flags: tuple[str, ...]
    qemu: str | None
    sysroot: str | None
    isa_description: str
    mca_cpu: str

    @property
    def native(self) -> bool:
        """True when binaries for this target run on the host CPU (so wall time means speed)."""
        return self.qemu is None and platform.machine() in ("x86_64", "AMD64")

    def run_prefix(self) -> list[str]:
        """Command prefix that executes a binary of this target on this host."""
        if self.qemu is None:
            return []
        return [self.qemu, "-L", self.sysroot or "/"]


TARGETS: dict[str, Target] = {
    "x86_64": Target(
        name="x86_64",
        triple="x86_64-linux-gnu",
        llc_flags=("-mtriple=x86_64-linux-gnu", "-mcpu=x86-64"),
        clang_flags=("--target=x86_64-linux-gnu", "-march=x86-64"),
        qemu=None,
        sysroot=None,
        isa_description="x86-64 baseline (SSE2, no AVX), System V AMD64 ABI, AT&T syntax (GNU as)",
        mca_cpu="x86-64",
    ),
    "aarch64": Target(
        name="aarch64",
        triple="aarch64-linux-gnu",
        llc_flags=("-mtriple=aarch64-linux-gnu", "-mcpu=generic"),
        clang_flags=("--target=aarch64-linux-gnu", "-mcpu=generic"),
        qemu="qemu-aarch64",
        sysroot="/usr/aarch64-linux-gnu",
        isa_description="AArch64 (ARMv8-A, NEON), AAPCS64 ABI, GNU as syntax",
        mca_cpu="neoverse-n1",
    ),
    "riscv64": Target(
        name="riscv64",
        triple="riscv64-linux-gnu",
        llc_flags=("-mtriple=riscv64-linux-gnu", "-mattr=+m,+a,+f,+d,+c", "-target-abi=lp64d"),
        clang_flags=("--target=riscv64-linux-gnu", "-march=rv64gc", "-mabi=lp64d"),
        qemu="qemu-riscv64",
        sysroot="/usr/riscv64-linux-gnu",
        isa_description="RISC-V RV64GC, LP64D ABI, GNU as syntax",
        mca_cpu="sifive-u74",
    ),
}


def get_target(name: str) -> Target:
    """Look up a target by name; raise UsageError naming the valid ones."""
    try:
        return TARGETS[name]
    except KeyError:
        raise UsageError(f"unknown target {name!r}; choose one of: {', '.join(TARGETS)}") from None
