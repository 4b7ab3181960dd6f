"""Importers that turn other benchmarks' files into suites in our task format."""

from .neucomback import ImportSummary, TaskOutcome, count_tasks, format_summary, import_neucomback

__all__ = ["ImportSummary", "TaskOutcome", "count_tasks", "format_summary", "import_neucomback"]
