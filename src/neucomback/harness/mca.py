"""Static cycle estimates with llvm-mca (works for every target, no hardware needed).

The estimate treats the whole function text as one block repeated 100 times: a rough,
deterministic signal, reported as an estimate and never as a measured speedup.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .. import toolchain
from ..errors import ToolMissingError
from ..targets import Target


@dataclass
class McaEstimate:
    total_cycles: float
    rthroughput: float
    summary: str


_TOTAL = re.compile(r"Total Cycles:\s+(\d+)")
_RTP = re.compile(r"Block RThroughput:\s+([\d.]+)")


def _strip_directives(text: str) -> str:
    """Drop data/section directives llvm-mca does not need (and GNU-only ones it rejects)."""
    keep = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith((".section", ".ident", ".file", ".size", ".type", ".p2align", ".align", ".cfi",
                         ".addrsig", ".note", ".attribute", ".option")):
            continue
        keep.append(line)
    return "\n".join(keep) + "\n"


def estimate(asm: Path, target: Target, timeout: float = 30) -> McaEstimate | None:
    """llvm-mca's estimate for the asm file, or None if llvm-mca is missing or cannot parse it."""
    try:
        mca = toolchain.tool("llvm-mca")
    except ToolMissingError:
        return None
    cmd = [mca, f"-mtriple={target.triple}", f"-mcpu={target.mca_cpu}", "-iterations=100",
           "-bottleneck-analysis", "-"]
    try:
        proc = subprocess.run(cmd, input=_strip_directives(asm.read_text(errors="replace")),
                              capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    total, rtp = _TOTAL.search(proc.stdout), _RTP.search(proc.stdout)
    if proc.returncode != 0 or not total or not rtp:
        return None
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    summary_lines = [l for l in lines if any(w in l for w in ("Total Cycles", "Total uOps", "IPC",
                                                              "Block RThroughput", "Cycles with backend",
                                                              "Resource Pressure", "Data Dependencies",
                                                              "bottleneck"))]
    return McaEstimate(float(total.group(1)), float(rtp.group(1)), "\n".join(summary_lines[:10]))
