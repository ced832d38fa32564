"""What a path is: source, test, docs, CI, issue template, stub, data or noise (pure)."""

from __future__ import annotations

import functools
import re

from bot.context.tracebacks import SOURCE_EXTENSIONS

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


def is_noise(path: str) -> bool:
    """Vendored, generated, lock or binary files: kept as paths, never read or ranked."""
    parts = path.split("/")
    name = parts[-1]
    if not NOISE_DIRS.isdisjoint(parts[:-1]) or name in LOCK_FILES:
        return True
    if name.endswith(MINIFIED):
        return True
    return "." in name and name.rsplit(".", 1)[1].lower() in BINARY_EXTENSIONS



SOURCE = "source"
# Plans point at code: tests, docs, CI, issue templates, stubs and data matching the
# same words rank below it, unless the title is about them.
KIND_WEIGHT = {SOURCE: 1.0, "tooling": 0.7, "stub": 0.5, "docs": 0.45, "test": 0.35,
               "config": 0.35, "data": 0.25, "ci": 0.2, "template": 0.15}
CODE = frozenset(SOURCE_EXTENSIONS.split("|"))
PROSE = frozenset({"md", "rst", "txt", "adoc"})
# Tools copied into many projects, regenerated rather than edited.
VENDORED_NAMES = frozenset({"versioneer.py"})
# SWE-bench's word rule (split on / _ . - and spaces), plus fixture and benchmark folders.
TEST_WORDS = frozenset({"test", "tests", "testing", "testdata", "fixtures", "__tests__",
                        "benchmarks", "asv_bench", "conftest"})
_WORDS = re.compile(r"[/_.\s-]")
_JS_TEST = re.compile(r"\.(test|spec)\.[cm]?[jt]sx?$")
CI_DIRS = frozenset({".circleci", "ci", "continuous_integration", ".buildkite", ".azure-pipelines"})
CI_FILES = frozenset({".travis.yml", ".gitlab-ci.yml", "azure-pipelines.yml", "noxfile.py",
                      "tox.ini", ".pre-commit-config.yaml", "codecov.yml", "Jenkinsfile"})
DOC_DIRS = frozenset({"docs", "doc", "documentation", "examples", "example", "tutorials",
                      "notebooks", "website", "site"})
TOOL_DIRS = frozenset({"scripts", "devscripts", "tools", "dev", "utils_dev"})


@functools.lru_cache(maxsize=262_144)
def kind_of(path: str) -> str:
    """source, test, docs, ci, template, stub, tooling, config or data."""
    parts = path.split("/")
    name = parts[-1]
    folders = parts[:-1]
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if folders[:1] == [".github"] or name.startswith((".github", "ISSUE_TEMPLATE")):
        return "ci" if "workflows" in folders else "template"
    if not CI_DIRS.isdisjoint(folders) or name in CI_FILES:
        return "ci"
    if (not TEST_WORDS.isdisjoint(_WORDS.split(path)) or name.startswith("test_")
            or name.endswith(("_test.py", "_test.go")) or _JS_TEST.search(name)):
        return "test"
    if extension in ("pyi", "d.ts") or name.endswith(".d.ts"):
        return "stub"
    if extension in PROSE or not DOC_DIRS.isdisjoint(folders[:2]):
        return "docs"
    if extension not in CODE:
        return "config" if extension in ("toml", "cfg", "ini", "yml", "yaml") else "data"
    if name in VENDORED_NAMES:
        return "data"
    if not TOOL_DIRS.isdisjoint(folders[:1]):
        return "tooling"
    return SOURCE
