"""What a repository path is: its language, its cited form (`path:12`), test or source."""

from __future__ import annotations

import posixpath
import re

LANGUAGES = {
    "py": "Python", "pyi": "Python", "pyx": "Cython", "js": "JavaScript", "mjs": "JavaScript",
    "cjs": "JavaScript", "jsx": "JavaScript", "ts": "TypeScript", "tsx": "TypeScript",
    "vue": "Vue", "svelte": "Svelte", "go": "Go", "rs": "Rust", "java": "Java", "kt": "Kotlin",
    "kts": "Kotlin", "scala": "Scala", "groovy": "Groovy", "rb": "Ruby", "php": "PHP",
    "cs": "C#", "fs": "F#", "c": "C", "h": "C", "cc": "C++", "cpp": "C++", "cxx": "C++",
    "hpp": "C++", "hh": "C++", "m": "Objective-C", "mm": "Objective-C", "swift": "Swift",
    "dart": "Dart", "ex": "Elixir", "exs": "Elixir", "erl": "Erlang", "lua": "Lua",
    "pl": "Perl", "pm": "Perl", "sh": "Shell", "bash": "Shell", "zsh": "Shell", "zig": "Zig",
    "clj": "Clojure", "hs": "Haskell", "ml": "OCaml", "r": "R", "jl": "Julia", "sql": "SQL",
    "html": "HTML", "css": "CSS", "scss": "SCSS", "tf": "HCL",
}
# Other extensions that make a code span read as a file name (besides source files).
FILE_EXTENSIONS = frozenset(f".{ext}" for ext in LANGUAGES) | {
    ".md", ".rst", ".txt", ".json", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".lock", ".xml",
    ".csv", ".proto", ".gradle", ".mod", ".env",
}
CODE_SPAN = re.compile(r"`([^`\n]+)`")  # a single-backtick span, as issues quote names
LINES = r":\d+(?:-\d+)?"
LINE_SUFFIX = re.compile(f"{LINES}$")  # the ":12" or ":3-9" after a cited path
_JS_TEST = re.compile(r"\.(test|spec)\.[cm]?[jt]sx?$")


def language_of(path: str) -> str | None:
    """The language of a source file by its extension, else None."""
    return LANGUAGES.get(posixpath.splitext(path)[1].lower().lstrip("."))


def normalise(path: str) -> str | None:
    """`./a/b.py`, `/a/b.py` and `a//b.py` as the tree spells them; None when outside it."""
    text = path.strip().strip("`").replace("\\", "/").lstrip("/")
    if not text:
        return None
    norm = posixpath.normpath(text)
    return None if norm in (".", "..") or norm.startswith("../") else norm


def is_test(path: str) -> bool:
    name = posixpath.basename(path)
    return (
        (name.startswith("test_") and name.endswith(".py"))
        or name.endswith(("_test.py", "_test.go"))
        or bool(_JS_TEST.search(name))
        or "/__tests__/" in f"/{path}"
    )
