"""The `neucomback` command line (typer + rich)."""
