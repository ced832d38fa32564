"""Make untrusted text safe to publish or to hand to a model."""

from __future__ import annotations

import re

# Zero-width, bidirectional-control and other invisible code points that can hide
# instructions from a human reader ("Trojan Source", CVE-2021-42574).
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_HTML_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")
# @user and @org/team, not e-mail addresses (GitHub's rule: a mention follows a non-word char).
_MENTION = re.compile(r"(?<![\w`])@([A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]+)?)")
_MARKER = re.compile(r"planbot\s*:", re.IGNORECASE)


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def for_model(text: str) -> str:
    """Issue text on its way to a model: no hidden comments, no invisible characters."""
    return strip_invisible(_HTML_COMMENT.sub("", text))


def model_text(text: str) -> str:
    """Model (or issue) text on its way into a published document.

    It must not ping people (a mention is wrapped in a code span, which GitHub does
    not notify), must not forge planbot's markers, and must carry no raw HTML.
    """
    text = strip_invisible(_HTML_COMMENT.sub("", text))
    text = _TAG.sub("", text)
    text = _MARKER.sub("planbot -", text)
    return _MENTION.sub(lambda m: f"`@{m.group(1)}`", text)


def fence(text: str, info: str = "text") -> str:
    """A fenced block that `text` cannot close early, whatever backticks it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text.rstrip()}\n{ticks}"
