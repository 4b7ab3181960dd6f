"""The on-disk cache for IR, harness objects and reference outputs, and atomic writes.

The cache root is private (mode 0700) because it holds expected outputs: sandboxed code
runs under another uid and must not be able to read them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def cache_root() -> Path:
    """$NEUCOMBACK_CACHE, else ~/.cache/neucomback; created private on first use."""
    root = Path(os.environ.get("NEUCOMBACK_CACHE") or Path.home() / ".cache" / "neucomback")
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    return root


def key(*parts: object) -> str:
    """A stable hex digest of the given parts (any str()-able values)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory and rename: readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode())


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
