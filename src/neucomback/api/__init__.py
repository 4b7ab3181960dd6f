"""The Python API: what the CLI parses for and prints from.

    from neucomback.api import BenchSettings, ModelSettings, Selection, bench
    out = bench(BenchSettings(ModelSettings("llc:O3"), Selection(split="test", level=1)))
    print(out.summary["acc"], out.run_dir)

See docs/api.md. Entry points: bench, baseline, evolve, verify, compile_module, list_models; settings:
Selection, ModelSettings, GenParams (sampling), ExecutorSettings, BenchSettings,
BaselineSettings, EvolveOptions, CompileSettings.
"""

from ..executors import ExecutorSettings
from ..models.base import GenParams
from .compile import CompileOutcome, CompileSettings, compile_module
from .hooks import Progress, Say, no_progress
from .run import BaselineOutcome, BenchOutcome, EvolveOutcome, baseline, bench, evolve, list_models, verify
from .settings import BaselineSettings, BenchSettings, EvolveOptions, ModelSettings, Selection

__all__ = ["bench", "baseline", "evolve", "verify", "list_models", "compile_module", "CompileSettings",
           "CompileOutcome", "ExecutorSettings", "BenchSettings", "BaselineSettings", "EvolveOptions",
           "ModelSettings", "Selection", "GenParams", "BenchOutcome", "BaselineOutcome", "EvolveOutcome",
           "Progress", "Say", "no_progress"]
