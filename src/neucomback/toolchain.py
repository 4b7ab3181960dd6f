"""Discovery of the external tools the harness drives, with versions and install hints.

Everything is found on PATH (or at a fixed sysroot path); `neucomback doctor` prints the
report. Versions feed cache keys so a toolchain upgrade never reuses stale artifacts.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

from .errors import ToolMissingError

APT_PACKAGES = (
    "clang-19 llvm-19 qemu-user g++-aarch64-linux-gnu g++-riscv64-linux-gnu "
    "bubblewrap valgrind binutils util-linux"
)
APT_COMMAND = f"apt-get update && apt-get install -y --no-install-recommends {APT_PACKAGES}"


@dataclass(frozen=True)
class ToolSpec:
    """A tool we may need: how to find it, how to ask its version, which package has it."""

    key: str
    candidates: tuple[str, ...]
    version_args: tuple[str, ...]
    package: str
    purpose: str
    is_dir: bool = False


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("clang", ("clang-19",), ("--version",), "clang-19", "IR generation, reference builds, linking"),
    ToolSpec("clang++", ("clang++-19",), ("--version",), "clang-19", "C++ harnesses of imported tasks"),
    ToolSpec("llc", ("llc-19",), ("--version",), "llvm-19", "llc baselines (llc-14 cannot read current IR)"),
    ToolSpec("llvm-mca", ("llvm-mca-19",), ("--version",), "llvm-19", "static cycle estimates"),
    ToolSpec("llvm-extract", ("llvm-extract-19",), ("--version",), "llvm-19", "`compile`: one function of a module"),
    ToolSpec("llvm-dis", ("llvm-dis-19",), ("--version",), "llvm-19", "`compile`: reading bitcode"),
    ToolSpec("llvm-objcopy", ("llvm-objcopy-19",), ("--version",), "llvm-19", "`compile`: weak support code"),
    ToolSpec("opt", ("opt-19",), ("--version",), "llvm-19", "`compile --decompose`: loop extraction"),
    ToolSpec("llvm-link", ("llvm-link-19",), ("--version",), "llvm-19", "`compile --decompose`: rejoining a module"),
    ToolSpec("qemu-aarch64", ("qemu-aarch64",), ("--version",), "qemu-user", "running aarch64 binaries"),
    ToolSpec("qemu-riscv64", ("qemu-riscv64",), ("--version",), "qemu-user", "running riscv64 binaries"),
    ToolSpec("sysroot-aarch64", ("/usr/aarch64-linux-gnu",), (), "g++-aarch64-linux-gnu", "aarch64 libc", True),
    ToolSpec("sysroot-riscv64", ("/usr/riscv64-linux-gnu",), (), "g++-riscv64-linux-gnu", "riscv64 libc", True),
    ToolSpec("bwrap", ("bwrap",), ("--version",), "bubblewrap", "sandboxing candidate code"),
    ToolSpec("prlimit", ("prlimit",), ("--version",), "util-linux", "resource limits in the sandbox"),
    ToolSpec("valgrind", ("valgrind",), ("--version",), "valgrind", "optional deterministic instruction counts"),
)

TOOLS_BY_KEY = {t.key: t for t in TOOLS}


@dataclass(frozen=True)
class ToolStatus:
    """The outcome of looking for one tool."""

    spec: ToolSpec
    path: str | None
    version: str | None

    @property
    def found(self) -> bool:
        return self.path is not None


def _first_line(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else None


def probe(spec: ToolSpec) -> ToolStatus:
    """Find one tool and read its version line (None when absent)."""
    for cand in spec.candidates:
        if spec.is_dir:
            if os.path.isdir(cand):
                return ToolStatus(spec, cand, "present")
            continue
        path = shutil.which(cand)
        if path:
            version = _first_line([path, *spec.version_args]) if spec.version_args else None
            return ToolStatus(spec, path, version)
    return ToolStatus(spec, None, None)


def doctor_report() -> list[ToolStatus]:
    """Probe every known tool (uncached: doctor must show the live state)."""
    return [probe(t) for t in TOOLS]


@functools.lru_cache(maxsize=None)
def tool(key: str) -> str:
    """Absolute path of a required tool; raise ToolMissingError with the apt fix if absent."""
    status = probe(TOOLS_BY_KEY[key])
    if status.path is None:
        raise ToolMissingError(
            f"{key} not found ({status.spec.purpose}); install it with: "
            f"apt-get install -y {status.spec.package}"
        )
    return status.path


@functools.lru_cache(maxsize=None)
def version_fingerprint() -> str:
    """A short string that changes whenever the compiler or llc changes (for cache keys)."""
    parts = []
    for key in ("clang", "llc"):
        status = probe(TOOLS_BY_KEY[key])
        parts.append(f"{key}={status.version}")
    return ";".join(parts)


def hardware_counters() -> str:
    """Whether `perf stat` can read instruction counters here. Many VMs (ours too) have no PMU:
    we then carry on with wall-clock timing, llvm-mca estimates and callgrind counts."""
    perf = shutil.which("perf")
    if perf is None:
        return "unavailable (perf not installed; optional)"
    try:
        out = subprocess.run([perf, "stat", "-x,", "-e", "instructions", "true"], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable (perf failed to run)"
    text = out.stdout + out.stderr
    if out.returncode != 0 or "not supported" in text or "<not counted>" in text:
        return "unavailable (no PMU visible: typical inside VMs)"
    return "available"
