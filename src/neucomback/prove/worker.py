"""`python -m neucomback.prove.worker`: one proof query, JSON in on stdin, JSON out on stdout.

Run in its own process (neucomback.prove.search) with a hard time and memory limit: angr and
the solver can take unbounded time or memory on some inputs, and this must never stall or
kill a run.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    job = json.loads(sys.stdin.read())
    try:
        from . import engine
    except ImportError as e:
        print(json.dumps({"tier": "unknown", "reason": f"the proof tier needs angr (pip install -e '.[prove]'): {e}"}))
        return 0
    try:
        result = engine.compare(job["candidate"], job["reference"], job["domain"], job["limits"])
    except Exception as e:  # an engine failure is an unknown tier, never a crash of the run
        result = {"tier": "unknown", "reason": f"the symbolic engine failed: {type(e).__name__}: {str(e)[:300]}"}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
