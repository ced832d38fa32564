"""`.github/planbot.yml`: parse and validate a repository's settings (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from bot.domain import MAINTAINERS, STAGES, same_label

CONFIG_PATH = ".github/planbot.yml"


def read_local(checkout: Path | None) -> str | None:
    """A local checkout's config file, as the default branch would hold it (None: none)."""
    config = checkout / CONFIG_PATH if checkout is not None else None
    return config.read_text(errors="replace") if config and config.is_file() else None
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
MAX_LABELS = 20  # labels in `labels.trigger` or `labels.skip`
MAX_MONTHLY_USD = 1_000_000
DEFAULT_TRIGGER = "plan"
# One release of grace for the older single-label key (issue 20); shown where config
# problems are (the status comment and `/plan status`), not an error.
LABEL_DEPRECATED = (f"`label` in `{CONFIG_PATH}` is deprecated and will stop working in the "
                    "next release: write `labels:` with `trigger: [{label}]` instead.")


@dataclass(frozen=True)
class Labels:
    """`labels.trigger`: labels that plan an issue like `/plan`; `labels.skip`: labels that
    make planbot decline to plan an issue at all."""

    trigger: tuple[str, ...] = (DEFAULT_TRIGGER,)
    skip: tuple[str, ...] = ()

    def triggers(self, label: str) -> bool:
        return same_label(label) in {same_label(t) for t in self.trigger}

    def skipping(self, labels: Iterable[str]) -> tuple[str, ...]:
        """The labels among `labels` that make planbot decline, as the issue spells them."""
        skip = {same_label(s) for s in self.skip}
        return tuple(label for label in labels if same_label(label) in skip)


@dataclass(frozen=True)
class Budget:
    # Lower only: the installation's PLANBOT_MONTHLY_USD, when set, still caps a higher one.
    monthly_usd: float | None = None


@dataclass(frozen=True)
class RepoConfig:
    labels: Labels = field(default_factory=Labels)
    output: str = "branch"
    plans_dir: str = ".plans"
    branch_prefix: str = "planbot/"
    stages: tuple[str, ...] = STAGES
    model: str = ""
    allowed: tuple[str, ...] = MAINTAINERS
    context: ContextBudget = field(default_factory=ContextBudget)
    research: Research = field(default_factory=Research)
    budget: Budget = field(default_factory=Budget)
    warnings: tuple[str, ...] = ()  # what the file should change, short of an error

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


def _label_list(key: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or len(items) > MAX_LABELS:
        raise ConfigError(key, f"must be a label or a list of at most {MAX_LABELS} labels")
    return tuple(dict.fromkeys(_text(key, item) for item in items))


def _labels(key: str, value: Any) -> Labels:
    labels = Labels(**_mapping(key, value, {"trigger": _label_list, "skip": _label_list}))
    if not labels.trigger:
        raise ConfigError(f"{key}.trigger", "must name at least one label")
    both = [s for s in labels.skip if labels.triggers(s)]
    if both:
        raise ConfigError(f"{key}.skip", f"lists {both[0]!r}, which is a trigger label too")
    return labels


def _dollars(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            0 < value <= MAX_MONTHLY_USD):
        raise ConfigError(key, f"must be an amount of US dollars above 0 (at most "
                          f"{MAX_MONTHLY_USD:,})")
    return float(value)


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
    "labels": _labels,
    "label": _text,  # the older spelling of `labels.trigger`, for one more release
    "output": _output,
    "plans_dir": _plans_dir,
    "branch_prefix": _branch_prefix,
    "stages": _choices(STAGES),
    "model": _text,
    "allowed": _choices(ASSOCIATIONS, upper=True),
    "context": lambda key, value: ContextBudget(**_mapping(key, value, _BUDGET)),
    "research": lambda key, value: Research(**_mapping(key, value, {"max_turns": _turns})),
    "budget": lambda key, value: Budget(**_mapping(key, value, {"monthly_usd": _dollars})),
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
    values = _mapping("(file)", data, _KEYS)
    if "label" in values:
        label = values.pop("label")
        if "labels" in values:
            raise ConfigError("label", "is the older spelling of `labels.trigger`: keep only "
                              "`labels`")
        values["labels"] = _labels("labels", {"trigger": [label]})
        values["warnings"] = (LABEL_DEPRECATED.format(label=label),)
    return RepoConfig(**values)
