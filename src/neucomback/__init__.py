"""neucomback: a workbench for neural compilation (LLVM IR -> assembly), verified and timed."""

__version__ = "0.1.0"
