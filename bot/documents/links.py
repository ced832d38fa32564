"""Cited paths as links to the planned commit, for documents shown on GitHub, and back (pure)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from bot.documents.validate import NOT_FOUND, NOT_VERIFIED
from bot.paths import FILE_EXTENSIONS, LINES
from bot.text import FENCED_BLOCK

# A single-backtick span that is not already the text of a link.
_SPAN = re.compile(r"(?<![`\[])`(?P<ref>[^`\n]+)`(?!`|\]\()")
_REF = re.compile(rf"^(?P<path>[\w.+-]+(?:/[\w.+-]+)*/?)(?P<lines>{LINES})?$")
_SHA = re.compile(r"^[0-9a-f]{7,40}$")
# Rendered files (Markdown, reStructuredText) show their lines only in the plain view.
_RENDERED = frozenset({".md", ".markdown", ".rst", ".adoc", ".ipynb"})


def _target(ref: str) -> str | None:
    """`path#L3-L9` for a cited `path:3-9`; None when `ref` is no repository path."""
    match = _REF.match(ref)
    if not match or match["path"].startswith(("/", "../")) or ".." in match["path"].split("/"):
        return None
    path = match["path"]
    extension = posixpath.splitext(path)[1].lower()
    if not (path.endswith("/") or extension in FILE_EXTENSIONS):
        return None  # `os.path`, `a/b` in prose: not shown to be a file, so not linked
    lines = (match["lines"] or "").lstrip(":")
    if not lines:
        return path.rstrip("/")
    first, _, last = lines.partition("-")
    anchor = f"#L{first}" + (f"-L{last}" if last else "")
    return path + ("?plain=1" if extension in _RENDERED else "") + anchor


def _outside_code(text: str, change: re.Pattern[str],
                  replace: Callable[[re.Match[str]], str]) -> str:
    out, at = [], 0
    for block in FENCED_BLOCK.finditer(text):
        out += [change.sub(replace, text[at:block.start()]), block.group(0)]
        at = block.end()
    out.append(change.sub(replace, text[at:]))
    return "".join(out)


def _cites(m: re.Match[str]) -> bool:
    """Whether the span `m` cites a repository path: not one validation marked as not
    found (or not checked)."""
    return _target(m["ref"]) is not None and not m.string.startswith(
        (NOT_FOUND, NOT_VERIFIED), m.end())


_NOTE = re.compile(r"^ {0,3}>.*$", re.MULTILINE)  # a document's notes: what validation did


def cited_paths(document: str) -> list[str]:
    """The repository paths `document` cites (`src/a.py:12` as `src/a.py`; a folder keeps
    its `/`), in order, outside code blocks and notes: what `linked` links, less the paths
    a note says were dropped."""
    found: list[str] = []

    def keep(m: re.Match[str]) -> str:
        match = _REF.match(m["ref"])
        if match and _cites(m):
            found.append(match["path"])
        return m.group(0)

    _outside_code(_NOTE.sub("", document), _SPAN, keep)
    return list(dict.fromkeys(found))


def linked(document: str, repo_url: str, commit: str) -> str:
    """`document` with every cited path (`src/a.py:12`) a link to that line at `commit`.

    Paths validation marked as not found stay plain, and so does everything when the
    commit is unknown: a link to a moving branch would point at other lines tomorrow.
    """
    if not repo_url or not _SHA.match(commit):
        return document
    base = f"{repo_url.rstrip('/')}/blob/{commit}"

    def link(m: re.Match[str]) -> str:
        return f"[`{m['ref']}`]({base}/{_target(m['ref'])})" if _cites(m) else m.group(0)

    return _outside_code(document, _SPAN, link)


def unlinked(document: str, repo_url: str) -> str:
    """`document` with the links `linked` made turned back into plain `path:line` spans,
    so that reading a comment back gives the document as it was written (or edited)."""
    if not repo_url:
        return document
    ours = re.compile(r"\[`(?P<ref>[^`\n]+)`\]\(" + re.escape(repo_url.rstrip("/"))
                      + r"/blob/(?P<sha>[0-9a-f]{7,40})/(?P<target>[^)\s]+)\)")

    def plain(m: re.Match[str]) -> str:
        return f"`{m['ref']}`" if _target(m["ref"]) == m["target"] else m.group(0)

    return _outside_code(document, ours, plain)
