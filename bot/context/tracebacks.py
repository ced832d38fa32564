"""Find the files an issue points at (traceback frames, named paths) and match them to the tree."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.paths import CODE_EXTENSION_PATTERN

# Python: File "/srv/app/src/app/views.py", line 42, in index — also a frame pasted with its
# start cut off (`app/views.py", line 42, in index`), as reporters trim long paths.
PYTHON_FRAME = re.compile(
    r'(?:File "|(?<![\w"/.\\-])(?=[\w./\\~-]+\.pyw?", line \d))(?P<path>[^"\n]+)", '
    r'line (?P<line>\d+)(?:, in (?P<func>[\w<>.]+))?'
)
# IPython and Jupyter: File ~/env/site-packages/pkg/frame.py:3807, in DataFrame.get(self, key)
# — in a notebook's Markdown export the place is a link: File [<path>:730](http://…), in f(
IPYTHON_FRAME = re.compile(
    r"File \[?(?P<path>[^\s\[\]()\"]+?\.pyw?):(?P<line>\d+)(?:\]\([^)\s]*\))?, "
    r"in (?P<func>[\w<>.]+)"
)
# Older IPython: `/env/site-packages/pkg/util.py in safe_zip(*args)`, then the code around
# the line, the line itself marked `---> 35`.
OLD_IPYTHON_FRAME = re.compile(
    r"^[ \t>]*(?P<path>[^\s\[\]()\"<>]+\.pyw?) in (?P<func>[\w<>.]+)\(", re.MULTILINE)
# The line an IPython frame stopped at: "---> 35     assert len(arg) == n" or "-> 3807 code".
_MARKED_LINE = re.compile(r"^[ \t>]*-+>\s*(?P<line>\d+)\s(?P<code>[^\n]*)$", re.MULTILINE)
# Java/Kotlin: at com.acme.web.Router.route(Router.java:42)
JAVA_FRAME = re.compile(
    r"at (?P<qual>[\w$.]+)\.(?P<func>[\w$<>]+)"
    r"\((?P<file>[\w$-]+\.(?:java|kt|scala|groovy)):(?P<line>\d+)\)"
)
# JS "at fn (src/a.js:10:5)", Go "/x/main.go:42 +0x1d", Rust "src/main.rs:10:5", Ruby "a.rb:3:in"
POSITION_FRAME = re.compile(
    r"(?:at (?P<func>[\w$.<>\[\] ]+?) \()?(?P<path>(?:[A-Za-z][\w+.-]*://)?[\w@~./\\:-]*?"
    rf"[\w@~.-]+\.(?:{CODE_EXTENSION_PATTERN})):(?P<line>\d+)(?::\d+)?\)?(?![\w.])"
)
# C#: in C:\src\Shop\Cart.cs:line 42
CSHARP_FRAME = re.compile(r" in (?P<path>[^\s:]*?(?:[A-Za-z]:)?[^\s:]+\.cs):line (?P<line>\d+)")
# A path named in prose: "src/app/views.py", `views.py`, a blob URL.
MENTION = re.compile(
    r"(?<![\w@/.-])(?P<path>(?:[\w@.-]+/)*[\w@-][\w@.-]*\.[A-Za-z][A-Za-z0-9]{0,9})(?![\w/])"
)
SCHEME = re.compile(r"^[A-Za-z][\w+.-]*://[^/]*")
DRIVE = re.compile(r"^[A-Za-z]:")
# Frames inside installed packages or a standard library: keep only the part below the
# install folder, which must then match in full and have a folder in it (the project may
# be that very package: flask/app.py); runtime internals are dropped.
LIBRARY = re.compile(
    r"(?<![^/])(?:site-packages|dist-packages|node_modules|lib/python\d[\d.]*|pkg/mod|"
    r"\.cargo/registry|gems)/"
)
INTERNAL = ("<frozen", "<string>", "<stdin>", "node:", "internal/", "/rustc/", "<anonymous>")
MAX_AMBIGUOUS = 3  # a bare file name shared by more tree files than this says nothing


@dataclass(frozen=True)
class Frame:
    path: str  # as written (Java: derived from the package, e.g. "com/acme/Router.java")
    line: int | None
    function: str = ""
    python: bool = False  # Python prints the innermost frame last, other runtimes first
    source: str = ""  # the code line Python prints under the frame, as the reporter ran it


# What every position frame holds: `file.ext:line`. The frame pattern backtracks on long
# path-like lines (0.11 s on one 7 kB log); lines without this are never tried.
_POSITION_MARK = re.compile(rf"\.(?:{CODE_EXTENSION_PATTERN}):\d")


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def position_frames(text: str) -> list[re.Match[str]]:
    """POSITION_FRAME's matches in `text`, offsets as in `text`, trying marked lines only."""
    marked = "\n".join(line if _POSITION_MARK.search(line) else " " * len(line)
                        for line in text.split("\n"))
    return list(POSITION_FRAME.finditer(marked))


def frames(text: str) -> list[Frame]:
    """Every stack frame in `text`, in text order, without duplicates."""
    found: list[tuple[int, Frame]] = []
    for m in PYTHON_FRAME.finditer(text):
        frame = Frame(m["path"], int(m["line"]), m["func"] or "", True, _source_after(text, m))
        found.append((m.start(), frame))
    for m in IPYTHON_FRAME.finditer(text):  # innermost last, as Python prints them
        marked = _marked_after(text, m.end())
        found.append((m.start(), Frame(m["path"], int(m["line"]), m["func"], True,
                                       marked[1] if marked else "")))
    for m in OLD_IPYTHON_FRAME.finditer(text):
        marked = _marked_after(text, m.end())
        if marked:
            found.append((m.start(), Frame(m["path"], marked[0], m["func"], True, marked[1])))
    for m in JAVA_FRAME.finditer(text):
        package = m["qual"].rsplit(".", 1)[0].replace(".", "/") if "." in m["qual"] else ""
        path = f"{package}/{m['file']}" if package else m["file"]
        found.append((m.start(), Frame(path, int(m["line"]), m["func"])))
    # Frames already read are blanked out (same length: offsets still sort) so that
    # "Router.java:88" inside a Java frame is not read again as a position frame.
    rest = text
    for pattern in (PYTHON_FRAME, IPYTHON_FRAME, OLD_IPYTHON_FRAME, JAVA_FRAME):
        rest = _blank(rest, pattern)
    csharp = list(CSHARP_FRAME.finditer(rest))
    rest = _blank(rest, CSHARP_FRAME)
    for m in [*csharp, *position_frames(rest)]:
        func = (m.groupdict().get("func") or "").split()
        found.append((m.start(), Frame(m["path"], int(m["line"]), func[-1] if func else "")))
    seen: set[tuple[str, int | None]] = set()
    out: list[Frame] = []
    for _, frame in sorted(found, key=lambda item: item[0]):
        if (frame.path, frame.line) not in seen:
            seen.add((frame.path, frame.line))
            out.append(frame)
    return out


def _marked_after(text: str, end: int) -> tuple[int, str] | None:
    """The line number and code IPython marks (`---> 35 code`) below a frame's header,
    before the next frame."""
    block = text[end:]
    stop = re.search(r"^\s*$\n\S|^File |\.pyw? in ", block, re.MULTILINE)
    found = _MARKED_LINE.search(block[: stop.start()] if stop else block)
    return (int(found["line"]), found["code"].strip()) if found else None


def _source_after(text: str, frame: re.Match[str]) -> str:
    """The line below a Python frame when it is code (not the next frame or carets)."""
    end = text.find("\n", frame.end())
    if end < 0:
        return ""
    line = text[end + 1 :].split("\n", 1)[0].strip()
    if not line or line.startswith(("File ", "Traceback", "During handling")) or set(line) <= {
            "^", "~", " "}:
        return ""
    return line


def innermost_first(found: Iterable[Frame]) -> list[Frame]:
    """Frames ordered from where the error was raised outwards."""
    found = list(found)
    python = [f for f in found if f.python]
    return python[::-1] + [f for f in found if not f.python]


def mentioned_paths(text: str) -> list[str]:
    """Path-like words in prose (file names with an extension), in text order."""
    out: list[str] = []
    for m in MENTION.finditer(text):
        if m["path"] not in out:
            out.append(m["path"])
    return out


def normalize(raw: str) -> tuple[str, bool]:
    """A frame path as slash-separated components, and whether it lies in an installed package."""
    path = SCHEME.sub("", raw.strip().replace("\\", "/"))
    path = DRIVE.sub("", path)
    installed = list(LIBRARY.finditer(path))
    if installed:
        last = installed[-1]
        rest = path[last.end() :].split("/")
        if "node_modules" in last.group():  # the package name is no folder of its own repo
            rest = rest[2:] if rest[0].startswith("@") else rest[1:]
        return "/".join(rest), True
    parts = [p for p in path.split("/") if p not in ("", ".", "..")]
    return "/".join(parts), False


class PathIndex:
    """Tree paths by file name, to match partial or foreign paths by their longest suffix."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            self.by_name[path.rsplit("/", 1)[-1]].append(path)

    def match(self, raw: str, frame: bool = False) -> list[str]:
        """Tree paths that `raw` names: one is a suffix of the other, longest suffix wins.
        A traceback frame's bare file name ("a.py", the reporter's own script) names only
        a root file: matched deeper it would land on a namesake, often a test fixture."""
        if any(raw.startswith(tag) or tag in raw for tag in INTERNAL):
            return []
        path, library = normalize(raw)
        if not path or (library and "/" not in path):
            return []
        parts = path.split("/")
        best, matches = 0, []
        for candidate in self.by_name.get(parts[-1], ()):
            cparts = candidate.split("/")
            common, most = 0, min(len(parts), len(cparts))
            while common < most and parts[-1 - common] == cparts[-1 - common]:
                common += 1
            # Absolute frames carry an unknown prefix (tree suffix of frame); relative
            # ones may omit leading folders (frame suffix of tree). Anything else differs.
            whole_frame = common == len(parts)
            if not whole_frame and (library or common < len(cparts)):
                continue
            if frame and len(parts) == 1 and len(cparts) > 1:
                continue
            if common > best:
                best, matches = common, [candidate]
            elif common == best:
                matches.append(candidate)
        return sorted(matches) if len(matches) <= MAX_AMBIGUOUS else []
