"""Option defaults from the environment's `.env` file and a project file.

Precedence, highest first: a flag on the command line, an environment variable (for the
options that read one, e.g. NEUCOMBACK_MODEL; a `.env` file sets variables that are not set
already), the project file, the built-in default.

The project file is `neucomback.toml`, or the `[tool.neucomback]` table of `pyproject.toml`,
in the working directory or the nearest parent that has one (or the file named by
$NEUCOMBACK_CONFIG). Keys are options' long names (`debug-rounds` or `debug_rounds`); a
top-level key applies to every command that has the option, a table named after a command
(`[bench]`, `[suite.list]`) only to that command and wins over the top level:

    model = "openai:Qwen2.5-Coder-32B-Instruct"
    base_url = "http://localhost:8000/v1"
    [bench]
    debug_rounds = 2
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from ..errors import UsageError

CONFIG_ENV = "NEUCOMBACK_CONFIG"


def load_dotenv_file(start: Path) -> Path | None:
    """Load the nearest `.env` (from `start` upward) without overriding set variables."""
    import dotenv

    found = _nearest(start, ".env")
    if not found:
        return None
    dotenv.load_dotenv(found, override=False)
    return Path(found)


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """(file, settings) of the project file that applies in `start`, or None."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise UsageError(f"${CONFIG_ENV} names {path}, which is not a file")
        return path, _read(path, path.name == "pyproject.toml")
    for d in (start, *start.parents):
        if (d / "neucomback.toml").is_file():
            return d / "neucomback.toml", _read(d / "neucomback.toml", False)
        if (d / "pyproject.toml").is_file():
            table = _read(d / "pyproject.toml", True)
            if table:
                return d / "pyproject.toml", table
    return None


def default_map(group: Any, settings: dict[str, Any], source: Path) -> dict[str, Any]:
    """Click's default_map for the commands of `group` (typer's click group, duck-typed: typer
    vendors its own click) from project settings. UsageError for a key
    that no command (or not the named command) has, so that a typo is not silently ignored."""
    top = {_key(k): v for k, v in settings.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in settings.items() if isinstance(v, dict)}
    used: set[str] = set()
    out = _for_group(group, top, tables, used, source, prefix="")
    unknown = sorted(set(top) - used)
    if unknown:
        raise UsageError(f"{source}: no command has the option(s) {', '.join(unknown)}")
    return out


def _for_group(group: Any, top: dict[str, Any], tables: dict[str, Any], used: set[str], source: Path,
               prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, cmd in group.commands.items():
        own = tables.pop(name, {})
        if hasattr(cmd, "commands"):  # a group of commands
            sub_tables = {k: v for k, v in own.items() if isinstance(v, dict)}
            sub_top = {**top, **{_key(k): v for k, v in own.items() if not isinstance(v, dict)}}
            sub_used: set[str] = set()
            out[name] = _for_group(cmd, sub_top, sub_tables, sub_used, source, f"{prefix}{name}.")
            used |= sub_used & set(top)
            continue
        options = _options(cmd)
        values: dict[str, Any] = {}
        for key, value in top.items():
            if key in options:
                values[options[key]] = value
                used.add(key)
        for key, value in own.items():
            k = _key(key)
            if k not in options:
                raise UsageError(f"{source}: [{prefix}{name}] has no option {key!r}")
            values[options[k]] = value
        if values:
            out[name] = values
    if tables:
        raise UsageError(f"{source}: no command named {', '.join(prefix + t for t in sorted(tables))}")
    return out


def _options(cmd: Any) -> dict[str, str]:
    """{long option name with underscores: parameter name} of a command."""
    out: dict[str, str] = {}
    for p in cmd.params:
        if getattr(p, "param_type_name", "") == "option" and p.name:
            for opt in (*p.opts, *p.secondary_opts):
                if opt.startswith("--"):
                    out[_key(opt[2:])] = p.name
    return out


def _key(k: str) -> str:
    return k.strip().replace("-", "_")


def _nearest(start: Path, name: str) -> str:
    for d in (start, *start.parents):
        if (d / name).is_file():
            return str(d / name)
    return ""


def _read(path: Path, pyproject: bool) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"{path} cannot be read: {e}") from None
    if pyproject:
        data = data.get("tool", {}).get("neucomback", {})
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the neucomback settings must be a table")
    return data
