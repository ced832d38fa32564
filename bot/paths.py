"""What a repository path is: its kind (source, test, docs, CI…), its language, whether it is
vendored or generated noise, and its cited form (`path:12`). Every reader of paths asks here."""

from __future__ import annotations

import functools
import posixpath
import re

LANGUAGES = {
    "py": "Python", "pyi": "Python", "pyx": "Cython", "js": "JavaScript", "mjs": "JavaScript",
    "cjs": "JavaScript", "jsx": "JavaScript", "ts": "TypeScript", "tsx": "TypeScript",
    "vue": "Vue", "svelte": "Svelte", "go": "Go", "rs": "Rust", "java": "Java", "kt": "Kotlin",
    "kts": "Kotlin", "scala": "Scala", "groovy": "Groovy", "rb": "Ruby", "php": "PHP",
    "cs": "C#", "fs": "F#", "c": "C", "h": "C", "cc": "C++", "cpp": "C++", "cxx": "C++",
    "hpp": "C++", "hh": "C++", "m": "Objective-C", "mm": "Objective-C", "swift": "Swift",
    "dart": "Dart", "ex": "Elixir", "exs": "Elixir", "erl": "Erlang", "hrl": "Erlang",
    "lua": "Lua", "pl": "Perl", "pm": "Perl", "sh": "Shell", "bash": "Shell", "zsh": "Shell",
    "zig": "Zig", "clj": "Clojure", "hs": "Haskell", "ml": "OCaml", "r": "R", "jl": "Julia",
    "sql": "SQL", "html": "HTML", "css": "CSS", "scss": "SCSS", "tf": "HCL",
}
# Languages of pages, styles, queries and infrastructure: no program runs from them, and
# no stack frame points into them.
_NOT_PROGRAMS = frozenset({"SQL", "HTML", "CSS", "SCSS", "HCL"})
STUB_EXTENSIONS = frozenset({"pyi"})
# Extensions of program source: what a stack frame names and what defines code names.
CODE_EXTENSIONS = frozenset(ext for ext, language in LANGUAGES.items()
                            if language not in _NOT_PROGRAMS and ext not in STUB_EXTENSIONS)
# The same as a regex alternation, longest first (stack frame patterns embed it).
CODE_EXTENSION_PATTERN = "|".join(sorted(CODE_EXTENSIONS, key=lambda e: (-len(e), e)))
# Other extensions that make a code span read as a file name (besides source files).
FILE_EXTENSIONS = frozenset(f".{ext}" for ext in LANGUAGES) | {
    ".md", ".rst", ".txt", ".json", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".lock", ".xml",
    ".csv", ".proto", ".gradle", ".mod", ".env",
}
CODE_SPAN = re.compile(r"`([^`\n]+)`")  # a single-backtick span, as issues quote names
LINES = r":\d+(?:-\d+)?"
LINE_SUFFIX = re.compile(f"{LINES}$")  # the ":12" or ":3-9" after a cited path

# Vendored, generated or tool-owned folders: never the cause of an issue, often huge.
NOISE_DIRS = frozenset(
    [
        "node_modules", "vendor", "_vendor", "vendored", "dist", "build", ".git",
        "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", "bower_components", ".next", ".nuxt", ".gradle", ".idea", "coverage",
    ]
)
LOCK_FILES = frozenset(
    [
        "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "Pipfile.lock",
        "Cargo.lock", "Gemfile.lock", "composer.lock", "go.sum", "uv.lock",
        "npm-shrinkwrap.json", "bun.lockb",
    ]
)
MINIFIED = (".min.js", ".min.css", ".map", ".bundle.js")
BINARY_EXTENSIONS = frozenset(
    [
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "svgz", "pdf", "zip", "gz",
        "tgz", "bz2", "xz", "7z", "tar", "jar", "war", "class", "so", "dylib", "dll", "exe",
        "bin", "o", "a", "pyc", "pyo", "whl", "egg", "woff", "woff2", "ttf", "otf", "eot",
        "mp3", "mp4", "wav", "ogg", "mov", "avi", "db", "sqlite", "parquet", "npy", "npz",
        "pkl", "h5", "onnx", "pt",
    ]
)

SOURCE = "source"
KINDS = (SOURCE, "tooling", "stub", "docs", "test", "config", "data", "ci", "template")
PROSE = frozenset({"md", "rst", "txt", "adoc"})
# Tools copied into many projects, regenerated rather than edited.
VENDORED_NAMES = frozenset({"versioneer.py"})
# Folders a test runner's modules are placed in.
TEST_DIRS = frozenset({"test", "tests", "testing", "__tests__"})
# SWE-bench's word rule (split on / _ . - and spaces), plus fixture and benchmark folders:
# everything there belongs to the tests (helpers and data too), not to the code.
TEST_WORDS = TEST_DIRS | {"testdata", "fixtures", "benchmarks", "asv_bench", "conftest"}
_WORDS = re.compile(r"[/_.\s-]")
_JS_TEST = re.compile(r"\.(test|spec)\.[cm]?[jt]sx?$")
CI_DIRS = frozenset({".circleci", "ci", "continuous_integration", ".buildkite", ".azure-pipelines"})
CI_FILES = frozenset({".travis.yml", ".gitlab-ci.yml", "azure-pipelines.yml", "noxfile.py",
                      "tox.ini", ".pre-commit-config.yaml", "codecov.yml", "Jenkinsfile"})
DOC_DIRS = frozenset({"docs", "doc", "documentation", "examples", "example", "tutorials",
                      "notebooks", "website", "site"})
TOOL_DIRS = frozenset({"scripts", "devscripts", "tools", "dev", "utils_dev"})


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


def is_noise(path: str) -> bool:
    """Vendored, generated, lock or binary files: kept as paths, never read or ranked."""
    parts = path.split("/")
    name = parts[-1]
    if not NOISE_DIRS.isdisjoint(parts[:-1]) or name in LOCK_FILES:
        return True
    if name.endswith(MINIFIED):
        return True
    return "." in name and name.rsplit(".", 1)[1].lower() in BINARY_EXTENSIONS


def is_test_module(path: str) -> bool:
    """A file a test runner collects by its name (`test_x.py`, `x_test.go`, `x.test.js`,
    `__tests__/…`). Narrower than the kind "test": `tests/helpers.py` and fixtures are
    the tests' files, but hold no tests to extend."""
    name = posixpath.basename(path)
    return (
        (name.startswith("test_") and name.endswith(".py"))
        or name.endswith(("_test.py", "_test.go"))
        or bool(_JS_TEST.search(name))
        or "/__tests__/" in f"/{path}"
    )


def in_test_dir(path: str) -> bool:
    """Below a folder test runners' modules are placed in (`tests/`, `__tests__/`)."""
    return not TEST_DIRS.isdisjoint(path.split("/")[:-1])


def is_code(path: str) -> bool:
    """Where a change to behaviour goes: source or the repository's own scripts, not a
    test, page, workflow, stub or data file."""
    return kind_of(path) in (SOURCE, "tooling")


@functools.lru_cache(maxsize=262_144)
def kind_of(path: str) -> str:
    """One of KINDS: source, tooling, stub, docs, test, config, data, ci or template."""
    parts = path.split("/")
    name = parts[-1]
    folders = parts[:-1]
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if folders[:1] == [".github"] or name.startswith((".github", "ISSUE_TEMPLATE")):
        return "ci" if "workflows" in folders else "template"
    if not CI_DIRS.isdisjoint(folders) or name in CI_FILES:
        return "ci"
    if (not TEST_WORDS.isdisjoint(_WORDS.split(path)) or name.startswith("test_")
            or is_test_module(path)):
        return "test"
    if extension in STUB_EXTENSIONS or name.endswith(".d.ts"):
        return "stub"
    if extension in PROSE or not DOC_DIRS.isdisjoint(folders[:2]):
        return "docs"
    if extension not in CODE_EXTENSIONS:
        return "config" if extension in ("toml", "cfg", "ini", "yml", "yaml") else "data"
    if name in VENDORED_NAMES:
        return "data"
    if not TOOL_DIRS.isdisjoint(folders[:1]):
        return "tooling"
    return SOURCE
