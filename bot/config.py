"""`.github/planbot.yml`: parse and validate a repository's settings (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import yaml

from bot.domain import MAINTAINERS, STAGES

CONFIG_PATH = ".github/planbot.yml"
ASSOCIATIONS = frozenset(
    {"OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR",
     "FIRST_TIMER", "MANNEQUIN", "NONE"}
)


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
    max_repo_bytes: int = 50 * 1024 * 1024  # above this, tree only: no archive download
    max_file_bytes: int = 512 * 1024  # larger files are not indexed
    plan_tokens: int = 200_000  # all model tokens one run may spend


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

    def branch(self, issue_number: int) -> str:
        return f"{self.branch_prefix}issue-{issue_number}"

    def plan_dir(self, issue_number: int) -> str:
        return f"{self.plans_dir.strip('/')}/issue-{issue_number}"


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "must be a non-empty string")
    return value.strip()


def _list(key: str, value: Any, allowed: Any, upper: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(key, "must be a non-empty list")
    items = tuple(str(v).upper() if upper else str(v) for v in value)
    unknown = [v for v in items if v not in allowed]
    if unknown:
        choices = ", ".join(sorted(allowed))
        raise ConfigError(key, f"unknown value {unknown[0]!r}; use any of {choices}")
    return items


def _budget(value: Any) -> ContextBudget:
    if not isinstance(value, Mapping):
        raise ConfigError("context", "must be a mapping of budgets")
    known = {f.name for f in fields(ContextBudget)}
    values: dict[str, int] = {}
    for name, number in value.items():
        if name not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(f"context.{name}", f"unknown key; use any of {choices}")
        if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
            raise ConfigError(f"context.{name}", "must be a positive whole number")
        values[name] = number
    return ContextBudget(**values)


def parse(text: str | None) -> RepoConfig:
    """The config in `text` (None or empty: all defaults); ConfigError names the bad key."""
    if text is None or not text.strip():
        return RepoConfig()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError("(file)", f"is not valid YAML: {exc}") from exc
    if data is None:
        return RepoConfig()
    if not isinstance(data, Mapping):
        raise ConfigError("(file)", "must be a mapping of keys to values")
    known = {f.name for f in fields(RepoConfig)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(str(key), f"unknown key; use any of {', '.join(sorted(known))}")
        if key == "output":
            if value not in ("branch", "comments"):
                raise ConfigError(key, "must be `branch` or `comments`")
            values[key] = value
        elif key == "stages":
            values[key] = _list(key, value, STAGES)
        elif key == "allowed":
            values[key] = _list(key, value, ASSOCIATIONS, upper=True)
        elif key == "context":
            values[key] = _budget(value)
        elif key == "model":
            values[key] = _text(key, value)
        else:
            values[key] = _text(key, value)
    plans_dir = values.get("plans_dir", "")
    if plans_dir.startswith("/") or ".." in plans_dir:
        raise ConfigError("plans_dir", "must be a relative path inside the repository")
    return RepoConfig(**values)
