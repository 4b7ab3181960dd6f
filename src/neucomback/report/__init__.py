"""Metrics, tables and reports of runs."""
