"""The verified core: build, sandbox, check, time, and the Verdict they produce."""
