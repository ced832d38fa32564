"""Text rules every layer shares: untrusted text made safe, newlines, clipping, fences."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

# One CommonMark parser (with GitHub's tables) for every module that reads Markdown.
MARKDOWN = MarkdownIt("commonmark").enable("table")

# Zero-width, bidirectional-control and other invisible code points that can hide
# instructions from a human reader ("Trojan Source", CVE-2021-42574).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# A fenced code block, as CommonMark opens and closes it (an unclosed one runs to the end).
FENCED_BLOCK = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[^\n]*$|\Z)",
                          re.MULTILINE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?/?>")
# Tags a reporter lays text out with, which say nothing themselves (`<details>`, `<br>`):
# dropped. Anything else in angle brackets is what they wrote (`</script>` inside a quoted
# error, `<module>`, `<Response [200]>`): escaped, so it shows as written and is never HTML.
_LAYOUT = frozenset({
    "a", "b", "blockquote", "br", "center", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "picture", "pre", "s", "samp", "small", "source", "span", "strike",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "tt", "u", "ul", "video"})
ESCAPED_LT = "&lt;"
# @user and @org/team, not e-mail addresses (GitHub's rule: a mention follows a non-word char).
# A team slug does not end in punctuation: "@org/team." leaves the full stop outside.
_MENTION = re.compile(r"(?<![\w`])@([A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)")
_MARKER = re.compile(r"planbot\s*:", re.IGNORECASE)
# A code span, never across a blank line (CommonMark spans stay inside one paragraph).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*\n))+?)(?<!`)\1(?!`)")
_HOLE = re.compile("\ue000(\\d+)\ue001")  # private-use characters: in none of the patterns
# In code only the HTML-comment form is a forgery (bot.markers.OWN_MARKER, what planbot reads
# back); the rest is the user's code.
_CODE_MARKER = re.compile(r"<!--(\s*)planbot\s*:", re.IGNORECASE)


# Terminal escape sequences (colours, cursor moves, window titles) pasted from a terminal:
# CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, and two-character escapes.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0 and C1 control characters (NUL, BEL, backspace, a lone ESC, DEL…); tab and the
# line breaks stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_invisible(text: str) -> str:
    """Without the characters a reader does not see: invisible and bidirectional code
    points, terminal escape sequences and other control characters."""
    return _CONTROL.sub("", _ANSI.sub("", _INVISIBLE.sub("", text)))


def for_model(text: str) -> str:
    """Issue text on its way to a model: no hidden comments, no invisible characters."""
    return strip_invisible(_HTML_COMMENT.sub("", text))


def code_text(text: str) -> str:
    """Code keeps every character (tracebacks are evidence) but cannot forge a marker."""
    return strip_invisible(_CODE_MARKER.sub(r"<!--\1planbot -", text))


def model_text(text: str) -> str:
    """Model (or issue) prose on its way into a published document.

    It must not ping people (a mention is wrapped in a code span, which GitHub does
    not notify), must not forge planbot's markers, and must carry no raw HTML: layout
    tags go, any other tag is escaped and reads as written. Code
    spans keep their content: stripping `<module>` from one would change the
    evidence, and wrapping an @name inside a span would close the span early and
    leave the name free to ping.
    """
    spans: list[str] = []

    def hide(match: re.Match[str]) -> str:
        spans.append(code_text(match.group(0)))
        return f"\ue000{len(spans) - 1}\ue001"

    text = _CODE_SPAN.sub(hide, strip_invisible(_HTML_COMMENT.sub("", text)))
    text = _MARKER.sub("planbot -", _TAG.sub(_tag, text))
    text = _MENTION.sub(lambda m: f"`@{m.group(1)}`", text)
    return _HOLE.sub(lambda m: spans[int(m.group(1))], text)


def _tag(match: re.Match[str]) -> str:
    return "" if match.group(1).lower() in _LAYOUT else ESCAPED_LT + match.group(0)[1:]


def normal_newlines(text: str) -> str:
    """Windows and old-Mac line endings as `\\n`: editors and browsers send all three."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def longest_backticks(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def fence(text: str, info: str = "text") -> str:
    """A fenced block that `text` cannot close early, whatever backticks it holds."""
    ticks = "`" * max(3, longest_backticks(text) + 1)
    return f"{ticks}{info}\n{text.rstrip()}\n{ticks}"


def code_span(text: str) -> str:
    """`text` as one inline code span, whatever backticks it holds: inside one, @mentions
    ping nobody and Markdown renders as typed."""
    ticks = "`" * (longest_backticks(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut at a word to at most `limit` characters (… marks a cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    if cut.count("`") % 2:  # never leave a code span open
        cut = cut[: cut.rfind("`")].rstrip()
    return cut.rstrip(" ,;:—-") + "…"


def sections(markdown: str) -> dict[str, str]:
    """Level-2 sections by lower-case heading; headings inside code blocks do not count."""
    lines = markdown.splitlines()
    tokens = MARKDOWN.parse(markdown)
    heads = [(t.map[0], t.map[1], t.tag, tokens[i + 1].content.strip().casefold())
             for i, t in enumerate(tokens)
             if t.type == "heading_open" and t.level == 0 and t.map and t.tag in ("h1", "h2")]
    found: dict[str, str] = {}
    for i, (_, body, tag, title) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(lines)
        if tag == "h2":
            found.setdefault(title, "\n".join(lines[body:end]).strip())
    return found
