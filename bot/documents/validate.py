"""Rules every plan draft passes before publishing: grounded paths, clean ordered steps."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import replace

from bot.domain import LIKELIHOODS, HypothesesDraft, Hypothesis, RepoContext, Task, TasksDraft
from bot.limits import MAX_EVIDENCE, MAX_HYPOTHESES, MAX_TASKS, MAX_TITLE
from bot.paths import CODE_SPAN, FILE_EXTENSIONS, LINES, language_of, normalise
from bot.ports import PlannerError
from bot.text import clip

MAX_PATH_NOTES = 6
NOT_FOUND = " (not found in the repository)"
NOT_VERIFIED = " (not verified: repository not available)"

NO_HYPOTHESES = "no hypothesis was left to publish"
NO_TASKS = "no task was left to publish (a plan needs at least one)"


_REF = re.compile(f"^(?P<path>.+?)(?P<lines>{LINES})?$")  # path, path:12, path:3-9
# A path written in prose without backticks ("see src/a.py."): it holds a "/", and is never
# the tail of a URL or an absolute path (the lookbehind); a sentence's full stop stays out.
_BARE = r"(?<![\w./:@~`-])(?:[\w.-]+/)+[\w.-]*\w(?::\d+(?:-\d+)?)?(?![\w/`])"
_CITED = re.compile(f"{CODE_SPAN.pattern}|{_BARE}")  # a span first, so no path inside one is bare
# “…”: a quotation of the issue, the reporter's words as written; its paths are theirs
# (`/home/me/.venv/…/a.py`), not citations, and are left as they are.
_QUOTATION = re.compile(r"“[^”\n]*”")
# What a path must look like to appear in a note: no mention, marker or HTML can hide in it.
_SAFE = re.compile(r"^[\w.+/-]{1,160}$")
_HEX = re.compile(r"^[0-9a-f]{7,40}$")
# "- [ ] 3.", "[x]", "Step 2:", "H1 —": numbering the renderer adds itself.
_LEAD = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\[[ xX]?\]\s*)?(?:(?:step\s*)?\d+\s*[.):]\s*|H\d+\s*[—–:-]\s*)?",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[^\w\s]")


class PlanRejected(PlannerError):
    """Nothing publishable is left: the seed's 422. bot/failures.py says what to do."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage


def _quoted(path: str) -> str:
    return f"`{path}`" if _SAFE.match(path) else "a cited path"


class Grounding:
    """Checks cited paths against one repository tree and remembers what it changed."""

    def __init__(self, context: RepoContext) -> None:
        self.paths = context.paths
        self.dirs = {posixpath.dirname(p) for p in self.paths}
        for d in list(self.dirs):
            while d:
                d = posixpath.dirname(d)
                self.dirs.add(d)
        self.dirs.discard("")
        by_name: dict[str, list[str]] = {}
        for p in sorted(self.paths):
            by_name.setdefault(posixpath.basename(p), []).append(p)
        self.by_name = by_name
        found = {language_of(p) for p in self.paths}
        self.languages = {lang.casefold() for lang in context.languages} | {
            lang.casefold() for lang in found if lang}
        self.sha = context.commit_sha[:7] if _HEX.match(context.commit_sha) else ""
        self.missing: dict[str, set[str]] = {}  # path → {"dropped", "marked"}
        self.foreign: dict[str, str] = {}  # path → its language
        self.outside = 0
        self.unverified = False

    def find(self, path: str) -> str | None:
        """The tree path `path` names: itself, a directory, or a unique file name."""
        if path in self.paths or path in self.dirs:
            return path
        same = self.by_name.get(path, []) if "/" not in path else []
        return same[0] if len(same) == 1 else None

    def ref(self, ref: str) -> str | None:
        """`ref` (maybe `path:line`) spelled as in the tree, or None to drop it."""
        spans = CODE_SPAN.findall(ref)  # "`src/a.py` (line 3)": the span is the path
        match = _REF.match((spans[0] if spans else ref).strip())
        path = normalise(match["path"]) if match else None
        if path is None:
            self.outside += 1
            return None
        lines = (match["lines"] if match else None) or ""
        language = language_of(path)
        if language and self.languages and language.casefold() not in self.languages:
            self.foreign[path] = language
            return None
        if not self.paths:
            self.unverified = True
            return path + lines
        found = self.find(path)
        if found is None:
            self.missing.setdefault(path, set()).add("dropped")
            return None
        return found + lines

    def refs(self, refs: Iterable[str]) -> tuple[str, ...]:
        kept = (self.ref(r) for r in refs if r.strip())
        return tuple(dict.fromkeys(r for r in kept if r))

    def text(self, text: str) -> str:
        """`text` with every code span or bare path that names a missing file marked as such;
        quotations of the issue (“…”) are left as written."""
        parts = _QUOTATION.split(text)
        quoted = _QUOTATION.findall(text)
        return "".join(self._marked(part) + (quoted[i] if i < len(quoted) else "")
                       for i, part in enumerate(parts))

    def _marked(self, text: str) -> str:
        def mark(m: re.Match[str]) -> str:
            span = (m.group(0) if m.group(1) is None else m.group(1)).strip()
            parts = _REF.match(span)
            path = normalise(parts["path"]) if parts else None
            if path is None or not self._looks_like_file(path):
                return m.group(0)
            if text.startswith((NOT_FOUND, NOT_VERIFIED), m.end()):
                return m.group(0)  # marked by an earlier pass
            if not self.paths:
                self.unverified = True
                return m.group(0) + NOT_VERIFIED
            if self.find(path) is not None:
                return m.group(0)
            self.missing.setdefault(path, set()).add("marked")
            return m.group(0) + NOT_FOUND

        return _CITED.sub(mark, text)

    def _looks_like_file(self, path: str) -> bool:
        if any(c.isspace() for c in path) or "://" in path or "(" in path:
            return False
        return (posixpath.splitext(path)[1].lower() in FILE_EXTENSIONS
                or self.find(path) is not None)

    def notes(self) -> list[str]:
        at = f" at {self.sha}" if self.sha else ""
        notes = [f"{_quoted(p)} is {lang}, which this repository does not use: dropped."
                 for p, lang in sorted(self.foreign.items())]
        for path, how in sorted(self.missing.items()):
            action = " and ".join(
                {"dropped": "dropped from the lists",
                 "marked": "marked as not found in the text"}[h] for h in sorted(how))
            notes.append(f"Path {_quoted(path)} is not in the repository{at}: {action}.")
        if len(notes) > MAX_PATH_NOTES:
            notes[MAX_PATH_NOTES - 1:] = [
                f"{len(notes) - MAX_PATH_NOTES + 1} more cited paths are not in the repository "
                "or not in its languages: dropped or marked."]
        if self.outside:
            notes.append(f"{self.outside} cited path(s) outside the repository dropped.")
        if self.unverified:
            notes.append("Repository not available: cited paths could not be checked "
                         "and are unverified.")
        return notes


def _clean_title(text: str, limit: int = MAX_TITLE) -> str:
    return clip(_LEAD.sub("", text, count=1), limit)


def _key(text: str) -> str:
    """Text as the duplicate check sees it: no numbering, case, punctuation or spacing."""
    return " ".join(_NOT_WORD.sub(" ", _LEAD.sub("", text, count=1).casefold()).split())


def _likelihood(value: str) -> str:
    word = value.strip().casefold()
    for known in LIKELIHOODS:
        if word == known.casefold():
            return known
    if "unlikely" in word or "low" in word:
        return "Unlikely"
    if "most" in word or "high" in word:
        return "Most likely"
    return "Possible"


def check_hypotheses(draft: HypothesesDraft, context: RepoContext) -> HypothesesDraft:
    """The draft with invented paths dropped or marked, duplicates removed, limits kept."""
    ground = Grounding(context)
    notes: list[str] = []
    items: list[Hypothesis] = []
    seen: set[str] = set()
    duplicates = 0
    for h in draft.items:
        title = _clean_title(h.title)
        key = _key(title)
        if not key:
            continue
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        items.append(Hypothesis(
            title=ground.text(title),
            likelihood=_likelihood(h.likelihood),
            evidence=tuple(ground.text(_clean_title(e, MAX_EVIDENCE))
                           for e in h.evidence if e.strip()),
            where_to_look=ground.refs(h.where_to_look),
            how_to_verify=ground.text(h.how_to_verify.strip()),
        ))
    if duplicates:
        notes.append(f"{duplicates} duplicate hypothes{'i' if duplicates == 1 else 'e'}s "
                     "removed.")
    if len(items) > MAX_HYPOTHESES:
        notes.append(f"{len(items) - MAX_HYPOTHESES} hypotheses beyond the limit of "
                     f"{MAX_HYPOTHESES} dropped.")
        items = items[:MAX_HYPOTHESES]
    if not items:
        raise PlanRejected("hypotheses", NO_HYPOTHESES)
    return replace(draft, items=tuple(items), notes=(*draft.notes, *ground.notes(), *notes))


def _dedupe(tasks: Iterable[Task]) -> tuple[list[Task], dict[int, int], list[int]]:
    """Tasks without repeats; old number → new number (a repeat maps to its first)."""
    kept: list[Task] = []
    renumber: dict[int, int] = {}
    first: dict[str, int] = {}
    repeats: list[int] = []
    for old, task in enumerate(tasks, 1):
        title = _clean_title(task.title)
        key = _key(title)
        if not key:
            continue
        if key in first:  # whatever depended on the repeat now depends on the first
            new = renumber[old] = first[key]
            kept[new - 1] = replace(kept[new - 1], paths=tuple(
                dict.fromkeys(kept[new - 1].paths + task.paths)))
            repeats.append(old)
            continue
        kept.append(replace(task, title=title))
        first[key] = renumber[old] = len(kept)
    return kept, renumber, repeats


def check_tasks(draft: TasksDraft, context: RepoContext) -> TasksDraft:
    """The draft deduplicated, with dependencies that only point backwards, grounded
    paths and at most MAX_TASKS items."""
    ground = Grounding(context)
    kept, renumber, repeats = _dedupe(draft.items)
    notes: list[str] = []
    if repeats:
        notes.append(f"{len(repeats)} duplicate task{'s' * (len(repeats) > 1)} removed "
                     f"(task {', '.join(map(str, repeats))} repeated an earlier one).")
    forward: list[str] = []
    unknown = 0
    items: list[Task] = []
    for number, task in enumerate(kept, 1):
        deps: set[int] = set()
        for dep in task.depends_on:
            target = renumber.get(dep)
            if target is None:
                unknown += 1
            elif target >= number:  # self or forward: the only way a cycle can form
                forward.append(f"{number}→{target}")
            else:
                deps.add(target)
        items.append(Task(title=ground.text(task.title), depends_on=tuple(sorted(deps)),
                          paths=ground.refs(task.paths)))
    if forward:
        notes.append("Dependencies on the task itself or on a later task dropped, so the "
                     f"order has no cycles ({', '.join(forward)}).")
    if unknown:
        notes.append(f"{unknown} dependenc{'ies' if unknown > 1 else 'y'} on a task that "
                     "does not exist dropped.")
    if len(items) > MAX_TASKS:
        # Dependencies point backwards only, so cutting the tail strands none of them.
        notes.append(f"{len(items) - MAX_TASKS} tasks beyond the limit of {MAX_TASKS} dropped.")
        items = items[:MAX_TASKS]
    if not items:
        raise PlanRejected("tasks", NO_TASKS)
    return replace(draft, items=tuple(items), notes=(*draft.notes, *ground.notes(), *notes))
