"""neucomback: a workbench for neural compilation (LLVM IR -> assembly), verified and timed.

The API (`neucomback.bench`, `.baseline`, `.evolve`, `.verify` and their settings) lives in
neucomback.api and is importable from here; it is loaded on first use so that importing the
package (e.g. by a sandbox helper) stays cheap.
"""

from typing import Any

__version__ = "0.1.0"

_API = ("bench", "baseline", "evolve", "verify", "compile_module", "list_models", "BenchSettings",
        "BaselineSettings", "EvolveOptions", "CompileSettings", "ModelSettings", "Selection", "GenParams",
        "ExecutorSettings", "BenchOutcome", "BaselineOutcome", "EvolveOutcome", "CompileOutcome")


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'neucomback' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
