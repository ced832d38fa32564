"""The hand-off (pure): a self-contained prompt for a coding agent, from the three documents
as people left them (the problem, the hypotheses kept, the tasks in order, the files, the
test command, the constraints), and the `<details>` block that carries it at the end of
tasks.md. No model, no tokens."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.context.issue import issue_text
from bot.documents import handoff_text as say
from bot.documents.kind import written_kind
from bot.documents.links import cited_paths
from bot.documents.provenance import body_of, digest
from bot.markers import HANDOFF, HANDOFF_END, HANDOFF_START, PROVENANCE
from bot.planners.written import WrittenHypothesis, written_hypotheses
from bot.text import code_text, fence, normal_newlines

PROBLEM_CHARS = 6000  # of the issue's words: a prompt to paste, not the whole thread
# A hypothesis a person struck through (`~~H2 — …~~`) or marked rejected is not kept.
_REJECTED = re.compile(r"~~|\b(?:rejected|ruled out|disproved)\b", re.IGNORECASE)
_TASK = re.compile(r"^\s*[-*+]\s+\[(?P<done>[ xX])\]\s+(?P<text>.+?)\s*$", re.MULTILINE)
_NUMBERED = re.compile(r"^\d+[.)]\s")


def kept_hypotheses(hypotheses_md: str) -> list[WrittenHypothesis]:
    return [h for h in written_hypotheses(body_of(hypotheses_md))
            if not _REJECTED.search(h.title)]


def _problem(problem_md: str) -> list[str]:
    title, _, words = issue_text(body_of(problem_md)).partition("\n")
    kind = written_kind(problem_md)
    shown = "\n".join(filter(None, [title.strip(), clip_text(words.strip(), PROBLEM_CHARS)]))
    return [say.PROBLEM, "", *([say.KIND.format(kind=kind), ""] if kind else []), say.QUOTED,
            "", shown or "(empty)"]


def clip_text(text: str, limit: int) -> str:
    """`text` cut at a line to at most `limit` characters, saying so."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit("\n", 1)[0] + "\n[… shortened: the full text is on the issue]"


def _hypotheses(kept: Sequence[WrittenHypothesis]) -> list[str]:
    lines = [say.HYPOTHESES, ""]
    if not kept:
        return [*lines, say.NO_HYPOTHESES]
    for h in kept:  # numbered as in hypotheses.md, which the tasks refer to
        lines.append(f"H{h.number} — {h.likelihood}: {h.title}")
        lines += [f"  {shape.format(text=text)}" for shape, text in (
            (say.EVIDENCE, "; ".join(h.evidence)), (say.WHERE, ", ".join(h.refs)),
            (say.VERIFY, h.verify)) if text]
    return lines


def task_lines(tasks_md: str) -> list[str]:
    """tasks.md's checklist items in order, numbered as written (or in order)."""
    items = []
    for n, m in enumerate(_TASK.finditer(body_of(tasks_md)), 1):
        text = m["text"] if _NUMBERED.match(m["text"]) else f"{n}. {m['text']}"
        items.append(text + (say.DONE if m["done"] in "xX" else ""))
    return items


def _files(kept: Sequence[WrittenHypothesis], tasks_md: str) -> list[str]:
    # "Where to look" entries as written: `a.py:3`, or plain a.py where a person wrote one.
    refs = [r if "`" in r else f"`{r}`" for h in kept for r in h.refs]
    read = cited_paths("\n".join([*refs, *(e for h in kept for e in h.evidence)]))
    change = cited_paths(body_of(tasks_md))
    lines = [say.FILES, ""]
    if read:
        lines.append(say.READ.format(paths=", ".join(read)))
    if change:
        lines.append(say.CHANGE.format(paths=", ".join(change)))
    return lines if read or change else [*lines, say.NO_FILES]


def handoff_prompt(documents: Mapping[str, str | None], test_commands: Sequence[str],
                   repo: str, number: int, url: str = "") -> str:
    """The prompt, from the documents as they stand (a person's edits included)."""
    kept = kept_hypotheses(documents.get("hypotheses") or "")
    tasks_md = documents.get("tasks") or ""
    tasks = task_lines(tasks_md)
    test = say.TEST_COMMAND.format(commands=" and ".join(f"`{c}`" for c in test_commands)) \
        if test_commands else say.NO_TEST_COMMAND
    opening = say.OPENING.format(repo=repo, number=number, link=f" ({url})" if url else "")
    parts = [
        [opening],
        _problem(documents.get("problem") or ""),
        _hypotheses(kept),
        [say.TASKS, "", *(tasks or [say.NO_TASKS])],
        _files(kept, tasks_md),
        [say.TEST, "", test],
        [say.CONSTRAINTS, "", *(f"- {rule}" for rule in say.RULES)],
    ]
    # Nothing in it can forge planbot's markers, wherever it is pasted or shown.
    return code_text("\n\n".join("\n".join(part) for part in parts)) + "\n"


def handoff_inputs(documents: Mapping[str, str | None]) -> str:
    """What the block is made from: it is made again when this changes."""
    return digest(*(documents.get(stage) or "" for stage in ("problem", "hypotheses", "tasks")))


def block_inputs(tasks_md: str) -> str | None:
    """The inputs the block in `tasks_md` was made from; None when it has none."""
    found = HANDOFF.search(normal_newlines(tasks_md))
    return found["inputs"] if found else None


def handoff_block(prompt: str, inputs: str) -> str:
    return "\n".join([HANDOFF_START.format(inputs=inputs), "<details>",
                      f"<summary>{say.SUMMARY}</summary>", "", fence(prompt), "",
                      say.BLOCK_NOTE, "</details>", HANDOFF_END])


def with_handoff(tasks_md: str, block: str) -> str:
    """tasks.md with `block` in place of its old one, before its provenance line."""
    text = HANDOFF.sub("", normal_newlines(tasks_md))
    marks = list(PROVENANCE.finditer(text))
    if not marks:
        return f"{text.rstrip()}\n\n{block}\n"
    at = marks[-1].start()
    return f"{text[:at].rstrip()}\n\n{block}\n\n{text[at:]}"


def handoff_reply(prompt: str) -> str:
    """`/plan handoff`'s comment."""
    return f"{say.REPLY}\n\n{fence(prompt)}\n"
