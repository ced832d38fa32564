"""What the offline planner reads: document sections, the issue's own words, errors, symbols."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain import Snippet
from bot.paths import CODE_SPAN
from bot.text import FENCED_BLOCK, MARKDOWN

# "_Not given in the issue._", "N/A", "_No response_": what an empty section says instead.
_PLACEHOLDER = re.compile(
    r"^[\W_]*(?:(?:none|n/?a|nothing|no response)[\W_]*"
    r"|not (?:given|provided|specified)\b[^\n]{0,40}"
    r"|no [\w ]{0,30}(?:given|provided|specified)[\W_]*)$",
    re.IGNORECASE,
)
# A line all in italics is a note stage 1 wrote ("_No section of its own: …_"), not a step.
_NOTE = re.compile(r"^_[^_\n].*_$")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s*")
# ValueError: ..., json.decoder.JSONDecodeError: ..., Go "panic: ...", Rust "panicked at ..."
_ERROR = re.compile(
    r"(?<![\w.])(?P<type>(?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning|Fault|Panic))\b"
    r"(?::[ \t]*(?P<message>[^\n`]{0,200}))?"
    r"|\b(?P<panic>panic:|panicked at)[ \t]*(?P<panic_message>[^\n`]{1,200})"
)
# What precedes an error class on a line of code, not of output.
_CODE_LINE = re.compile(r"\s*(?:except|raise|import|from|class|def|with|assert|catch|throw)\b"
                        r"|.*(?:\bexcept\b|pytest\.raises|assertRaises|isinstance\()")
_CALL = re.compile(
    r"(?<![\w.])(?P<expr>(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\((?P<args>[^()\n]{0,40})\))"
)
# Arguments a test can copy: literals only (`parse_date('')`, not `parse_date(row)`).
_LITERALS = re.compile(
    r"^\s*(?:(?:'[^']*'|\"[^\"]*\"|-?\d[\d.]*|None|True|False|null|true|false|nil)\s*"
    r"(?:,\s*|$))*$"
)
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\(.*\))?$")
# snake_case and camelCase words in prose are names copied from code.
_CODE_WORD = re.compile(r"\b(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+[A-Z][A-Za-z0-9]*)\b")
# Names too common to point anywhere (builtins, test runners, HTTP verbs).
_COMMON = frozenset({
    "print", "len", "str", "int", "float", "dict", "list", "set", "tuple", "open", "range",
    "type", "isinstance", "super", "format", "get", "post", "put", "delete", "patch", "main",
    "run", "init", "new", "self", "this", "test", "setup", "append", "join", "split", "items",
    "keys", "values", "require", "import", "export", "return", "true", "false", "null", "none",
})


def lead(text: str) -> str:
    """A section up to its first subheading (stage 1 puts "### Expected behaviour" and the
    like under the reproduction steps)."""
    lines = text.splitlines()
    starts = [t.map[0] for t in MARKDOWN.parse(text)
              if t.type == "heading_open" and t.level == 0 and t.map]
    return "\n".join(lines[: starts[0]] if starts else lines)


def items(text: str) -> list[str]:
    """The top-level list items of a section, else its paragraphs; placeholders dropped."""
    tokens = MARKDOWN.parse(text)
    listed = [t.content for t in tokens if t.type == "inline" and t.level == 3]
    found = listed or [t.content for t in tokens if t.type == "inline" and t.level == 1]
    if not listed:
        found += [t.content.strip() for t in tokens if t.type in ("fence", "code_block")]
    cleaned = (" ".join(_CHECKBOX.sub("", item).split()) for item in found)
    return [item for item in cleaned
            if item and not _PLACEHOLDER.match(item) and not _NOTE.match(item)]


def prose(text: str) -> str:
    """`text` without its fenced code blocks: what the reporter wrote in their own words."""
    return FENCED_BLOCK.sub("", text)


def errors(text: str) -> list[str]:
    """Error lines (`ValueError: bad date`, `panic: ...`) in text order, without repeats;
    an error class named by code (`except ValidationError:`, `raise KeyError`) is none."""
    found: list[str] = []
    for m in _ERROR.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        if _CODE_LINE.match(text[start:m.start()]):
            continue
        if m["type"]:
            line = m["type"] + (f": {m['message'].strip()}" if (m["message"] or "").strip()
                                else "")
        else:
            line = f"{m['panic'].rstrip(':')}: {m['panic_message'].strip()}"
        if line not in found:
            found.append(line)
    return found


def symbols(text: str) -> list[tuple[str, str]]:
    """Code names the issue mentions, with a call expression when it shows one, e.g.
    ("parse_date", "parse_date('')"); in text order, common names left out."""
    found: dict[str, str] = {}

    def add(dotted: str, call: str = "") -> None:
        name = dotted.rsplit(".", 1)[-1]
        if len(name) < 3 or name.casefold() in _COMMON or _ERROR.fullmatch(name):
            return
        if call or name not in found:
            found[name] = found.get(name) or call

    for m in _CALL.finditer(text):
        add(m["name"], m["expr"] if _LITERALS.match(m["args"]) else "")
    for span in CODE_SPAN.findall(text):
        if _IDENTIFIER.match(span.strip()):
            add(span.strip().split("(", 1)[0])
    for word in _CODE_WORD.findall(text):
        add(word)
    order = {name: text.find(name) for name in found}
    return sorted(found.items(), key=lambda item: (order[item[0]], item[0]))


def _definition(name: str) -> re.Pattern[str]:
    n = re.escape(name)
    return re.compile(
        rf"^\s*(?:(?:export|pub(?:\([^)]*\))?|public|private|static|async|default)\s+)*"
        rf"(?:(?:def|class|function\*?|fn|func(?:\s*\([^)]*\))?|const|let|var|struct|enum|"
        rf"interface|type|module|sub)\s+{n}\b|{n}\s*(?:=\s*(?:async\s*)?(?:function|\()|"
        rf"\([^)]*\)\s*\{{))"
    )


def definition(name: str, snippets: Sequence[Snippet]) -> tuple[Snippet, int, str] | None:
    """Where `name` is defined in the ranked snippets: (snippet, line number, code line)."""
    pattern = _definition(name)
    for snippet in snippets:
        for offset, line in enumerate(snippet.text.splitlines()):
            if pattern.match(line):
                return snippet, snippet.start_line + offset, line.strip()
    return None


def code_at(snippets: Sequence[Snippet], path: str, line: int) -> str:
    """The code line at `path:line` when a snippet holds it, else ""."""
    for snippet in snippets:
        if snippet.path == path and snippet.start_line <= line <= snippet.end_line:
            lines = snippet.text.splitlines()
            index = line - snippet.start_line
            return lines[index].strip() if index < len(lines) else ""
    return ""


def raise_sites(name: str, snippets: Sequence[Snippet]) -> list[tuple[Snippet, int, str]]:
    """Every line of the snippets that raises `name` (`raise KeyError`, `raise KeyError(...)`)."""
    pattern = re.compile(rf"^\s*raise\s+(?:[\w.]+\.)?{re.escape(name)}\b")
    return [(s, s.start_line + offset, line.strip())
            for s in snippets for offset, line in enumerate(s.text.splitlines())
            if pattern.match(line)]
