"""`.github/planbot.yml`: parse and validate a repository's settings (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import yaml

from bot.domain import MAINTAINERS, STAGES

CONFIG_PATH = ".github/planbot.yml"
ASSOCIATIONS = frozenset(
    {"OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR",
     "FIRST_TIMER", "MANNEQUIN", "NONE"}
)
# A settings file is a few hundred bytes; anything near this is not one, and parsing it
# would cost the worker memory and time for nothing.
MAX_BYTES = 64 * 1024
MAX_DEPTH = 20  # the deepest real key is `context.<budget>`: 2 levels
MAX_TEXT = 200  # characters of a label, model or folder name


class ConfigError(ValueError):
    """The file is invalid; `key` names the offending key for the user."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"`{key}`: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class ContextBudget:
    prompt_tokens: int = 24_000  # repository context inside one prompt
    max_files: int = 12  # files whose excerpts may enter the prompt
    max_repo_bytes: int = 50 * 1024 * 1024  # bytes of files read and indexed at most
    max_file_bytes: int = 512 * 1024  # larger files are not indexed
    plan_tokens: int = 200_000  # all model tokens one run may spend


@dataclass(frozen=True)
class Research:
    # Five turns: the one-shot misses of issue 19 needed two or three searches and a read
    # or two; five stay within 2.5x a one-shot plan's input tokens (bench/README.md).
    max_turns: int = 5  # model turns of read-only research before the hypotheses; 0: one-shot


MAX_TURNS = 20


@dataclass(frozen=True)
class RepoConfig:
    label: str = "plan"
    output: str = "branch"
    plans_dir: str = ".plans"
    branch_prefix: str = "planbot/"
    stages: tuple[str, ...] = STAGES
    model: str = ""
    allowed: tuple[str, ...] = MAINTAINERS
    context: ContextBudget = field(default_factory=ContextBudget)
    research: Research = field(default_factory=Research)

    def branch(self, issue_number: int) -> str:
        return f"{self.branch_prefix}issue-{issue_number}"

    def plan_dir(self, issue_number: int) -> str:
        return f"{self.plans_dir.strip('/')}/issue-{issue_number}"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases and with a depth limit: a 432-byte alias bomb
    expands to 10^9 nodes, and deep nesting overflows the recursion of whoever walks it."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise ConfigError("(file)", "uses a YAML alias (`*name`); write the value out")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ConfigError("(file)", f"is nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "must be a non-empty string")
    if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
        raise ConfigError(key, f"must be one line of at most {MAX_TEXT} characters")
    return value.strip()


# git check-ref-format's rules for one ref name, as GitHub applies them to branches.
_BAD_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|/\.|\.lock/|^[/.-]")


def _branch_prefix(key: str, value: Any) -> str:
    prefix = _text(key, value)
    if _BAD_REF.search(prefix):
        raise ConfigError(key, "makes an invalid branch name (no spaces, `..`, `~^:?*[\\`, "
                          "`@{`, leading `/`, `.` or `-`)")
    return prefix


def _plans_dir(key: str, value: Any) -> str:
    path = _text(key, value)
    if path.startswith("/") or ".." in path.split("/") or "\\" in path:
        raise ConfigError(key, "must be a relative path inside the repository")
    return path


def _output(key: str, value: Any) -> str:
    if value not in ("branch", "comments"):
        raise ConfigError(key, "must be `branch` or `comments`")
    return str(value)


def _choices(allowed: frozenset[str] | tuple[str, ...], upper: bool = False) -> Callable[
        [str, Any], tuple[str, ...]]:
    def check(key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or len(value) > len(allowed):
            raise ConfigError(key, f"must be a list of at most {len(allowed)} values")
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(key, "must list plain words")
        items = tuple(v.upper() if upper else v for v in value)
        unknown = [v for v in items if v not in allowed]
        if unknown:
            raise ConfigError(key, f"unknown value {unknown[0][:40]!r}; use any of "
                              f"{', '.join(sorted(allowed))}")
        return items
    return check


def _count(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**40:
        raise ConfigError(key, "must be a positive whole number")
    return value


def _turns(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TURNS:
        raise ConfigError(key, f"must be a whole number from 0 (no research) to {MAX_TURNS}")
    return value


def _mapping(key: str, value: Any, known: Mapping[str, Callable[[str, Any], Any]]
             ) -> dict[str, Any]:
    """Each entry of `value` checked by its key's rule; an unknown key is an error."""
    if not isinstance(value, Mapping):
        raise ConfigError(key, "must be a mapping of keys to values")
    values: dict[str, Any] = {}
    for name, item in value.items():
        where = f"{key}.{name}" if key != "(file)" else str(name)
        if not isinstance(name, str) or name not in known:
            raise ConfigError(where[:60], f"unknown key; use any of {', '.join(sorted(known))}")
        values[name] = known[name](where, item)
    return values


_BUDGET = {f.name: _count for f in fields(ContextBudget)}
_KEYS: dict[str, Callable[[str, Any], Any]] = {
    "label": _text,
    "output": _output,
    "plans_dir": _plans_dir,
    "branch_prefix": _branch_prefix,
    "stages": _choices(STAGES),
    "model": _text,
    "allowed": _choices(ASSOCIATIONS, upper=True),
    "context": lambda key, value: ContextBudget(**_mapping(key, value, _BUDGET)),
    "research": lambda key, value: Research(**_mapping(key, value, {"max_turns": _turns})),
}


def parse(text: str | None) -> RepoConfig:
    """The config in `text` (None or empty: all defaults); ConfigError names the bad key."""
    if text is None or not text.strip():
        return RepoConfig()
    if len(text.encode()) > MAX_BYTES:
        raise ConfigError("(file)", f"is larger than {MAX_BYTES // 1024} KiB")
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader: plain data only
    except yaml.YAMLError as exc:
        raise ConfigError("(file)", f"is not valid YAML: {exc}") from exc
    if data is None:
        return RepoConfig()
    return RepoConfig(**_mapping("(file)", data, _KEYS))
