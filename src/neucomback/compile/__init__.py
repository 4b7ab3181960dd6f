"""Neural compilation of a user's own module (`neucomback compile`): each defined function
becomes a task whose oracle is the same IR compiled by the trusted toolchain; the agent's
verified translations are composed with llc's output for the rest (docs/compile.md)."""
