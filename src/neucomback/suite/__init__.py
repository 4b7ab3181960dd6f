"""Benchmark suites: the task format, the built-in tasks, generators and importers."""

from .task import Param, Task, load_task
from .loader import Suite, load_suite

__all__ = ["Param", "Task", "load_task", "Suite", "load_suite"]
