"""Files an issue names: paths in prose, GitHub blob links, dotted module paths (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.context.tracebacks import mentioned_paths

# https://github.com/OWNER/REPO/blob/SHA/path/to/file.py#L97 (also tree/, raw/, blame/,
# and GitHub Enterprise hosts): the path after the ref is a file of the repository.
BLOB_LINK = re.compile(
    r"https?://[^\s/]+/[\w.-]+/[\w.-]+/(?:blob|blame|raw|tree)/[^\s/]+/"
    r"(?P<path>[^\s#?)\]>'\"`]+)(?:#L(?P<line>\d+))?"
)
URL = re.compile(r"\b(?:https?|ftp)://[^\s)\]>'\"`]+")
LOGIN = re.compile(r"(?<![\w@])@[A-Za-z0-9][A-Za-z0-9-]{0,38}\b")  # "@someone": a person
# sqlglot.optimizer.qualify_columns, dask.dataframe.core: three or more dotted names,
# or two in backticks, are module paths as Python imports them.
DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*){2,})(?![\w(])")
SPAN_DOTTED = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\([^`]*\))?`")
# "order: dask order returns …", "[athena] Object of type …", "ROB: reading PDF …":
# a title's prefix names the component the reporter means.
AREA = re.compile(r"^\s*(?:\[(?P<bracket>[^\]\n]{2,40})\]|(?P<colon>[\w./-]{2,40}):\s)")


@dataclass(frozen=True)
class Mention:
    path: str  # as written: a tree path, a suffix of one, or a module path "a/b/c"
    line: int | None = None
    module: bool = False  # from a dotted name: "a/b/c" may be a/b/c.py or a/b/c/__init__.py


def without_urls(text: str) -> str:
    """Text with every URL and @-mention blanked: a link's host and folders ("github",
    "blob", "issues") and people's logins are no search terms (`blob_links` reads a
    link's file)."""
    return LOGIN.sub(" ", URL.sub(" ", text))


def blob_links(text: str) -> list[Mention]:
    return [Mention(m["path"], int(m["line"]) if m["line"] else None)
            for m in BLOB_LINK.finditer(text)]


def module_paths(text: str) -> list[Mention]:
    names = [m.group(1) for m in DOTTED.finditer(text)]
    names += [m.group(1) for m in SPAN_DOTTED.finditer(text)]
    out: list[Mention] = []
    for name in dict.fromkeys(names):
        parts = name.split(".")
        # a.b.c.func names module a/b/c or a/b/c/func: every prefix of two names or more
        for end in range(len(parts), 1, -1):
            out.append(Mention("/".join(parts[:end]), module=True))
    return out


def mentions(text: str) -> list[Mention]:
    """Every file-like mention in text order: blob links, then paths, then module paths."""
    found = blob_links(text)
    found += [Mention(p) for p in mentioned_paths(without_urls(text))]
    found += module_paths(without_urls(text))
    seen: set[tuple[str, bool]] = set()
    out = []
    for mention in found:
        if (mention.path, mention.module) not in seen:
            seen.add((mention.path, mention.module))
            out.append(mention)
    return out


def area(title: str) -> str:
    """The component a title's prefix names ("order", "athena"), else ""."""
    found = AREA.match(title)
    return (found["bracket"] or found["colon"] or "") if found else ""
