"""The planner's structured outputs: JSON schemas, their checks, and conversion to model types."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

# jsonschema, not pydantic: the very dict sent to the model as `input_schema` is the one
# validated here, and its errors carry JSON paths that make a precise repair prompt.
from jsonschema import Draft202012Validator

from bot.domain import LIKELIHOODS, Hypothesis, Task
from bot.limits import MAX_HYPOTHESES, MAX_TASKS
from bot.paths import LINE_SUFFIX

MAX_PROBLEMS = 12  # a repair prompt quoting more errors than this helps no one
NOT_LISTED = "is not in the repository tree; cite only listed paths"

_TEXT = {"type": "string", "pattern": r"\S"}  # not blank
_PATHS = {
    "type": "array",
    "maxItems": 12,
    "items": {
        "type": "string",
        "pattern": r"\S",
        "description": "A path relative to the repository root, exactly as listed in the "
        "repository tree, optionally followed by :LINE or :START-END.",
    },
}

HYPOTHESES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["hypotheses"],
    "properties": {
        "hypotheses": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_HYPOTHESES,
            "description": "Root-cause hypotheses, most likely first.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "likelihood", "evidence", "where_to_look", "how_to_verify"],
                "properties": {
                    "title": {**_TEXT, "maxLength": 200},
                    "likelihood": {"enum": list(LIKELIHOODS)},
                    "evidence": {"type": "array", "maxItems": 10, "items": _TEXT},
                    "where_to_look": _PATHS,
                    "how_to_verify": _TEXT,
                },
            },
        }
    },
}

TASKS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["tasks"],
    "properties": {
        "tasks": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_TASKS,
            "description": "Ordered tasks; each can start once those it depends on are done.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "depends_on", "paths"],
                "properties": {
                    "title": {**_TEXT, "maxLength": 300},
                    "depends_on": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": {"type": "integer", "minimum": 1},
                        "description": "1-based numbers of EARLIER tasks this one needs.",
                    },
                    "paths": _PATHS,
                },
            },
        }
    },
}


@dataclass(frozen=True)
class Output:
    """One structured output: the tool the model must call, and the list it holds."""

    tool: str
    key: str
    description: str
    schema: dict[str, Any]


HYPOTHESES = Output(
    "record_hypotheses",
    "hypotheses",
    "Record the ranked root-cause hypotheses for the problem. Call exactly once.",
    HYPOTHESES_SCHEMA,
)
TASKS = Output(
    "record_tasks",
    "tasks",
    "Record the ordered task list that tests the hypotheses and fixes the problem. "
    "Call exactly once.",
    TASKS_SCHEMA,
)
OUTPUTS: tuple[Output, ...] = (HYPOTHESES, TASKS)

_VALIDATORS = {o.tool: Draft202012Validator(o.schema) for o in OUTPUTS}


def file_of(ref: str) -> str:
    """`src/app.py:10-20` → `src/app.py`."""
    return LINE_SUFFIX.sub("", ref.strip())


def _where(path: Collection[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text or "(input)"


def _key(title: str) -> str:
    return " ".join(title.casefold().split())


def _path_problem(ref: str) -> str | None:
    path = file_of(ref)
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path):
        return "is absolute; use a path relative to the repository root"
    if ".." in path.split("/"):
        return "leaves the repository (`..`)"
    return None


def problems(
    output: Output, data: Any, known_paths: Collection[str] | None = None,
    unknown: str = NOT_LISTED,
) -> list[str]:
    """Why `data` is not a valid `output`, as lines a model can act on (empty: valid).

    Items are numbered from 1, as the model numbers tasks. With `known_paths`, cited
    paths are checked too: relative, inside the repository, and (when the collection is
    not empty) present in it; `unknown` says why a path not among them is refused.
    """
    errors = _VALIDATORS[output.tool].iter_errors(data)
    found = [f"{_where(e.absolute_path)}: {e.message}" for e in errors]
    if found:
        return found[:MAX_PROBLEMS]
    items: list[Mapping[str, Any]] = data[output.key]
    seen: dict[str, int] = {}
    for number, item in enumerate(items, 1):
        first = seen.setdefault(_key(item["title"]), number)
        if first != number:
            found.append(f"{output.key}[{number}].title: duplicates item {first}; merge them")
        for dep in item.get("depends_on", ()):
            if dep >= number:
                found.append(
                    f"{output.key}[{number}].depends_on: {dep} is not an earlier task; "
                    "a task may only depend on tasks listed before it"
                )
        for field in ("where_to_look", "paths") if known_paths is not None else ():
            for ref in item.get(field, ()):
                why = _path_problem(ref)
                if why is None and known_paths and file_of(ref).strip("/") not in known_paths:
                    why = unknown
                if why:
                    found.append(f"{output.key}[{number}].{field}: {ref!r} {why}")
    return found[:MAX_PROBLEMS]


def _refs(refs: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.strip() for r in refs if r.strip()))


# Conversion only: whether cited paths exist is bot/validate.py's rule, for every planner.
def to_hypotheses(data: Mapping[str, Any]) -> tuple[Hypothesis, ...]:
    """Hypotheses from validated tool input, most likely first."""
    items = [
        Hypothesis(
            title=h["title"].strip(),
            likelihood=h["likelihood"],
            evidence=tuple(e.strip() for e in h["evidence"] if e.strip()),
            where_to_look=_refs(h["where_to_look"]),
            how_to_verify=h["how_to_verify"].strip(),
        )
        for h in data[HYPOTHESES.key]
    ]
    # A stable sort keeps the model's order within one likelihood.
    items.sort(key=lambda h: LIKELIHOODS.index(h.likelihood))
    return tuple(items)


def to_tasks(data: Mapping[str, Any]) -> tuple[Task, ...]:
    """Tasks from validated tool input, in the model's order."""
    return tuple(
        Task(
            title=t["title"].strip(),
            depends_on=tuple(sorted(t["depends_on"])),
            paths=_refs(t["paths"]),
        )
        for t in data[TASKS.key]
    )
