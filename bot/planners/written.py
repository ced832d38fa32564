"""hypotheses.md as a person left it: its `## H<n>` sections, however they were edited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import MARKDOWN

_LABELS = r"evidence|where to look|how to (?:verify|confirm|check)|verif(?:y|ication)"
# "**Where to look**", "**How to verify:** run it", "Evidence:", "### Where to look"
_LABEL = re.compile(
    rf"^\s*(?:(?P<mark>\*\*|__)\s*(?P<bold>{_LABELS})\s*:?\s*(?P=mark)"
    rf"|(?P<plain>{_LABELS})\s*(?::|$))\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_H_HEADING = re.compile(
    r"^\s*(?:H(?P<number>\d+)\b\s*[—–:.-]*\s*)?"
    r"(?:(?P<likelihood>most likely|likely|possible|unlikely)\s*[:—–-]\s*)?(?P<title>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WrittenHypothesis:
    """One `## H<n> — <likelihood>: <title>` section of hypotheses.md, as a person left it."""

    number: int
    likelihood: str
    title: str
    refs: tuple[str, ...] = ()  # "Where to look" entries, as written
    evidence: tuple[str, ...] = ()
    verify: str = ""


def written_hypotheses(markdown: str) -> list[WrittenHypothesis]:
    """Every level-2 section of hypotheses.md, in document order, however it was edited."""
    tokens = MARKDOWN.parse(markdown)
    out: list[WrittenHypothesis] = []
    current: dict[str, list[str]] = {}
    head: re.Match[str] | None = None
    label = ""

    def close() -> None:
        if head is None:
            return
        number = int(head["number"]) if head["number"] else len(out) + 1
        title = head["title"].strip() or f"H{number}"
        out.append(WrittenHypothesis(
            number, (head["likelihood"] or "Possible").capitalize(), title,
            tuple(current.get("where", ())), tuple(current.get("evidence", ())),
            " ".join(current.get("verify", ())),
        ))

    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0:
            text = tokens[i + 1].content
            if token.tag in ("h1", "h2"):
                close()
                head = _H_HEADING.match(text) if token.tag == "h2" else None
                current, label = {}, ""
            elif (m := _LABEL.match(text)) is not None:
                label = _label_key(m["bold"] or m["plain"])
        elif token.type == "inline" and head is not None and tokens[i - 1].type != "heading_open":
            text = token.content
            if (m := _LABEL.match(text)) is not None:
                label, text = _label_key(m["bold"] or m["plain"]), m["rest"]
            if text.strip():
                current.setdefault(label or "evidence", []).append(" ".join(text.split()))
    close()
    return out


def _label_key(label: str) -> str:
    word = label.casefold()
    return "where" if word.startswith("where") else "evidence" if word == "evidence" else "verify"
