"""Where the code does what a vulnerability report says an attacker makes it do: runs a
program, serves or unpacks a file, fetches a URL, writes HTML, runs a query, deserialises,
sets permissions or allowed origins, uses a weak primitive (pure).

A security report describes the attack, seldom the code. The calls that attack needs are
few and known; the files that make them are the places to read first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bot.paths import SOURCE, kind_of


@dataclass(frozen=True)
class Sink:
    attack: re.Pattern[str]  # what the report says
    call: re.Pattern[str]  # a line of code making that call
    does: str  # what the line does, in a reader's words


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


SINKS = (
    Sink(_rx(r"code execution|command execution|execut\w* (arbitrary|any|malicious)|(command"
             r"|shell|os) ?injection|\brce\b|search path|run (arbitrary|any) (code|commands?)"),
         re.compile(r"\bPopen\(|\bsubprocess\.(run|call|check_call|check_output)\(|\bos\."
                    r"(system|popen|exec[lv]p?e?|spawn\w*)\(|\bshell\s*=\s*True"),
         "runs a program"),
    Sink(_rx(r"code execution|execut\w* (arbitrary )?code|code injection|\beval\b"),
         re.compile(r"(?<![\w.])(eval|exec)\(|\bimport_module\(|\b__import__\("),
         "evaluates or imports code"),
    Sink(_rx(r"(path|directory) traversal|zip ?slip|arbitrary file|\.\./"),
         re.compile(r"\b(extractall|send_file|send_from_directory|FileResponse|static_file"
                    r"|safe_join)\("),
         "serves or unpacks files by a path it is given"),
    Sink(_rx(r"\bssrf\b|server[- ]side request|open redirect"),
         re.compile(r"\b(requests|httpx)\.(get|post|request)\(|\burlopen\(|\bredirect\("),
         "fetches or redirects to a URL it is given"),
    Sink(_rx(r"\bxss\b|cross[- ]site scripting|(html|script) injection|raw html"),
         re.compile(r"\b(Markup|mark_safe|render_template_string)\(|innerHTML"
                    r"|dangerouslySetInnerHTML|autoescape\s*=\s*False"),
         "writes HTML without escaping it"),
    Sink(_rx(r"sql injection"),
         re.compile(r"\.execute\(\s*f[\"']|\.execute\([^)\n]*%|\.raw\("),
         "builds a query from a string"),
    Sink(_rx(r"deserializ\w*|\bpickle\b|yaml\.load|\bmarshal\b"),
         re.compile(r"\b(pickle|cPickle|marshal|dill)\.loads?\(|\byaml\.load\(|\btorch\.load\("),
         "deserialises data"),
    Sink(_rx(r"permission|world[- ](readable|writable)|\bchmod\b|\bumask\b"),
         re.compile(r"\bchmod\(|\bos\.open\(|\bumask\(|\bmode\s*=\s*0o?[0-7]{3}\b"),
         "sets file permissions"),
    Sink(_rx(r"\bcors\b|allowed? origins?|cross[- ]origin"),
         re.compile(r"allow_origins|CORSMiddleware|Access-Control-Allow-Origin|allowed_origins"
                    r"|\bCORS\("),
         "sets the origins allowed to call it"),
    Sink(_rx(r"padding oracle|timing attack|weak (hash|cipher)"),
         re.compile(r"\bhashlib\.(md5|sha1)\(|\bmd5\(|\bsha1\("),
         "uses a weak cryptographic primitive"),
)
MAX_LINES = 3  # lines cited per file
_NOT_CODE = re.compile(r"^\s*(#|//|\*|\"\"\"|''')")


@dataclass(frozen=True)
class Found:
    path: str
    lines: tuple[int, ...]
    sink: Sink


def _lines(text: str, call: re.Pattern[str]) -> Iterator[int]:
    """Lines making the call, not a comment, a docstring's `Popen()` or a log message."""
    for number, line in enumerate(text.splitlines(), 1):
        hit = call.search(line)
        if hit and not _NOT_CODE.match(line) and "`" not in line \
                and line[:hit.start()].count("\"") % 2 == 0 \
                and line[:hit.start()].count("'") % 2 == 0:
            yield number


def sinks(text: str, files: Mapping[str, str]) -> list[Found]:
    """Source files making the calls the attack the issue (`text`) describes needs, most
    such lines first (the project's scripts and tests are not what users run)."""
    attacks = [s for s in SINKS if s.attack.search(text)]
    found: list[Found] = []
    for sink in attacks:
        for path, source in files.items():
            if kind_of(path) == SOURCE:
                lines = tuple(_lines(source, sink.call))
                if lines:
                    found.append(Found(path, lines, sink))
    return sorted(found, key=lambda f: (-len(f.lines), f.path))
