"""What the offline recipes read (the Brief) and the task list they write (Steps), whose
titles always fit PLANNER_TITLE."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.documents.kind import DOCS
from bot.domain import Findings, Task
from bot.limits import PLANNER_TITLE
from bot.paths import is_code, kind_of
from bot.planners.framing import is_located
from bot.planners.written import WrittenHypothesis
from bot.text import clip


@dataclass
class Brief:
    """What the recipes read: the issue's kind and words, its checkable hypotheses with
    the files each cites, the files the issue names, and the repository's tree (and the
    text of what it could read)."""

    kind: str
    sections: dict[str, str]
    issue: str
    hypotheses: list[tuple[WrittenHypothesis, tuple[str, ...]]]
    named: frozenset[str]
    paths: frozenset[str]
    feedback_task: str = ""
    notes: list[str] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    files: Mapping[str, str] = field(default_factory=dict)  # readable text by path
    side: frozenset[str] = frozenset()  # folders of side copies (bot.planners.copies)

    @property
    def unlocated(self) -> bool:
        return not self.hypotheses or not is_located(self.hypotheses[0][0].title)

    def cited(self, start: int = 0, end: int | None = None) -> tuple[str, ...]:
        found = [p for _, paths in self.hypotheses[start:end] for p in paths]
        return tuple(dict.fromkeys(found))

    def targets(self) -> tuple[str, ...]:
        """Files a change may go to: the code, or a support file (test, page, workflow)
        only when the issue names it, or pages when the issue is about the docs. None while
        the problem is not located: a search hit is a place to read, not to change."""
        if self.unlocated:
            return ()

        def fits(path: str) -> bool:
            return (is_code(path) or path in self.named
                    or (self.kind == DOCS and kind_of(path) == "docs"))
        located = [p for h, paths in self.hypotheses if is_located(h.title) for p in paths]
        return tuple(p for p in dict.fromkeys(located) if fits(p))[:3]


class Steps:
    def __init__(self) -> None:
        self.items: list[Task] = []

    def add(self, title: str, after: Sequence[int] = (), paths: Sequence[str] = ()) -> int:
        """Append a task; its number, for later tasks to depend on."""
        self.items.append(Task(clip(title, PLANNER_TITLE), tuple(after), tuple(paths)))
        return len(self.items)


def fitted(template: str, text: str) -> str:
    """`template` with `text` quoted in its {} place, the quote shortened (never the
    sentence around it) so that the task title fits PLANNER_TITLE."""
    room = PLANNER_TITLE - len(template.format("")) - 2
    return template.format(f"“{clip(text.replace('`', ''), max(room, 20))}”")


def listed(template: str, items: Sequence[str], instead: str) -> str:
    """`template` with the numbered `items` in its {} place when they fit, else `instead`:
    a list is not cut short, the document it comes from holds it whole."""
    listed = "; ".join(f"{n}) {item}" for n, item in enumerate(items, 1)).replace("`", "")
    title = template.format(listed)
    return title if len(title) <= PLANNER_TITLE else instead
