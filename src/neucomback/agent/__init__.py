"""The neural compilation agent: prompts, assembly extraction, and the per-task workflow."""
