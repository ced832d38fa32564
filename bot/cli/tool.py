"""`python -m bot tool`: one research tool over a local checkout, printed as the model gets it."""

from __future__ import annotations

import json
from pathlib import Path

from bot.config import ConfigError, ContextBudget, parse, read_local
from bot.context.snapshot import from_directory
from bot.research.results import ToolResult
from bot.research.tools import Toolbox

BAD_JSON = "ARGS_JSON is not JSON ({error}); e.g. '{{\"path\": \"src/app.py\", \"start\": 10}}'"


def budget_of(repo_dir: Path) -> ContextBudget:
    """The checkout's own `context` budget, as a run would read it (defaults if none)."""
    try:
        return parse(read_local(repo_dir)).context
    except ConfigError:
        return ContextBudget()


def run_tool(repo_dir: Path, name: str, arguments: str) -> ToolResult:
    """The tool's result over `repo_dir`, exactly as the research loop sends it back."""
    try:
        parsed = json.loads(arguments)
    except ValueError as exc:
        raise ValueError(BAD_JSON.format(error=exc)) from exc
    if not repo_dir.is_dir():
        raise ValueError(f"--repo-dir {repo_dir} is not a folder")
    return Toolbox(from_directory(repo_dir, budget_of(repo_dir))).run(name, parsed)
