"""The research tools as the model sees them, and the one entry that runs a call (pure).

A call never raises: a bad argument, a path outside the tree or a pattern that would
take too long comes back as an `is_error` result that says why, so the run goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from bot.context.snapshot import Snapshot
from bot.research.files import list_dir, read_file
from bot.research.grep import grep
from bot.research.index import Index
from bot.research.results import ToolError, ToolResult, refusal
from bot.research.search import search_code
from bot.research.symbol import find_symbol

log = logging.getLogger(__name__)

_TEXT = {"type": "string", "minLength": 1, "maxLength": 300}
_PATH = {"type": "string", "maxLength": 300,
         "description": "Relative to the repository root, as the tree spells it."}
_LINE = {"type": "integer", "minimum": 1}


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    schema: dict[str, Any]
    run: Callable[..., ToolResult]


def _object(required: tuple[str, ...], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(required),
            "properties": properties}


TOOLS: tuple[Tool, ...] = (
    Tool("search_code", "Rank the repository's files for a query, as planbot ranked them "
         "for the issue; returns the best files with their matching lines.",
         _object(("query",), query={**_TEXT, "description": "Words or identifiers."}),
         search_code),
    Tool("grep", "Find lines holding a literal string (default) or matching a regular "
         "expression (regex: true; no backreferences or lookarounds; lines are matched on "
         "their first 300 characters); returns path:line: text.",
         _object(("pattern",), pattern=_TEXT, regex={"type": "boolean"},
                 path_glob={**_TEXT, "description": "fnmatch pattern over paths; `*` "
                            "crosses folders, e.g. `src/*.py`."}),
         grep),
    Tool("read_file", "Read a file's numbered lines, at most 120 at a time.",
         _object(("path",), path=_PATH, start=_LINE, end=_LINE), read_file),
    Tool("list_dir", "List a folder's subfolders and files (the root when path is empty).",
         _object((), path=_PATH), list_dir),
    Tool("find_symbol", "Find where a class, function or method is defined and where its "
         "name is used.", _object(("name",), name=_TEXT), find_symbol),
)
BY_NAME = {tool.name: tool for tool in TOOLS}
_VALIDATORS = {tool.name: Draft202012Validator(tool.schema) for tool in TOOLS}
UNKNOWN = "no tool `{name}`; the research tools are " + ", ".join(BY_NAME)
FAILED = "the tool failed on this input ({kind}); try other arguments"


class Toolbox:
    """The research tools over one snapshot; the index is built at the first call."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.index = Index(snapshot)

    def run(self, name: str, arguments: Any) -> ToolResult:
        tool = BY_NAME.get(name)
        if tool is None:
            return refusal(UNKNOWN.format(name=str(name)[:40]))
        error = next(iter(_VALIDATORS[name].iter_errors(arguments)), None)
        if error is not None:
            where = ".".join(map(str, error.absolute_path)) or "input"
            return refusal(f"bad arguments for {name}: {where}: {error.message}")
        try:
            return tool.run(self.index, **arguments)
        except ToolError as exc:
            return refusal(str(exc))
        except Exception as exc:  # the tool edge: a bug here must not fail the plan
            log.exception("research tool %s failed on %r", name, arguments)
            return refusal(FAILED.format(kind=type(exc).__name__))
