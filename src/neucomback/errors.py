"""Exception types that separate infrastructure faults from bad user input.

Candidate failures are never exceptions: evaluators return a Verdict instead.
"""


class NeuComBackError(Exception):
    """Base class for errors the CLI reports as one line with exit status 2."""


class UsageError(NeuComBackError):
    """The user asked for something that does not exist (unknown task, target, file)."""


class InfrastructureError(NeuComBackError):
    """The toolchain or sandbox failed in a way that is not the candidate's fault."""


class ToolMissingError(InfrastructureError):
    """A required external tool is not installed."""
