"""Render hypotheses.md and tasks.md from drafts (pure); stage 1 is bot.documents.problem."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.domain import Hypothesis, Task
from bot.text import model_text


def _bullets(items: Iterable[str]) -> list[str]:
    return [f"- {model_text(item).strip()}" for item in items if item.strip()]


def _path_ref(ref: str) -> str:
    return f"`{ref}`"


def after(numbers: Sequence[int]) -> str:
    """"after task 1", "after tasks 1 and 3": never `#1`, which GitHub links to issue 1 and
    cross-references on it (an autolinked reference, GitHub Docs)."""
    if len(numbers) == 1:
        return f"after task {numbers[0]}"
    listed = ", ".join(str(n) for n in numbers[:-1])
    return f"after tasks {listed} and {numbers[-1]}"


def _head(title: str, notes: Iterable[str]) -> list[str]:
    """The document's title, then its notes as a quote (what was changed, by whom)."""
    quoted = [f"> {model_text(note)}" for note in notes]
    return [title, "", *quoted, *([""] if quoted else [])]


def render_hypotheses(items: Iterable[Hypothesis], notes: Iterable[str] = ()) -> str:
    lines = _head("# Hypotheses", notes)
    for rank, h in enumerate(items, 1):
        lines += [f"## H{rank} — {h.likelihood}: {model_text(h.title).strip()}", ""]
        if h.evidence:
            lines += ["**Evidence**", "", *_bullets(h.evidence), ""]
        if h.where_to_look:
            lines += ["**Where to look**", "", *(f"- {_path_ref(p)}" for p in h.where_to_look), ""]
        if h.how_to_verify.strip():
            lines += ["**How to verify**", "", model_text(h.how_to_verify).strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def render_tasks(items: Iterable[Task], notes: Iterable[str] = ()) -> str:
    lines = _head("# Tasks", notes)
    for number, task in enumerate(items, 1):
        text = model_text(task.title).strip()
        extra = []
        if task.paths:
            extra.append("in " + ", ".join(_path_ref(p) for p in task.paths))
        if task.depends_on:
            extra.append(after(task.depends_on))
        suffix = f" ({'; '.join(extra)})" if extra else ""
        lines.append(f"- [ ] {number}. {text}{suffix}")
    return "\n".join(lines).rstrip() + "\n"
