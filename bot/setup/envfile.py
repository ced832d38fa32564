"""Write the App's credentials into `.env`, readable by its owner only."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def _quoted(value: str) -> str:
    # One line in double quotes: python-dotenv and docker compose both turn \n back into
    # newlines, so a PEM key survives on a single line.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write(path: Path, values: Mapping[str, str]) -> None:
    """Set `values` in the env file at `path`, keeping every other line, atomically and
    with mode 0600 (it holds the App's private key and webhook secret)."""
    lines = path.read_text().splitlines() if path.is_file() else []
    kept = [line for line in lines
            if not ((m := _ASSIGNMENT.match(line)) and m.group(1) in values)]
    kept += [f"{key}={_quoted(value)}" for key, value in values.items()]
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(kept) + "\n")
    os.chmod(tmp, 0o600)  # an existing .tmp keeps its mode through O_CREAT
    os.replace(tmp, path)
