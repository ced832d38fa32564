"""What a path is: one answer for every reader (ranking, layout, validation)."""

from __future__ import annotations

import pytest

from bot.context.tracebacks import frames
from bot.paths import (
    CODE_EXTENSIONS,
    in_test_dir,
    is_code,
    is_noise,
    is_test_module,
    kind_of,
    language_of,
)


@pytest.mark.parametrize(("path", "kind", "module"), [
    ("tests/test_cart.py", "test", True),
    ("pkg/cart_test.go", "test", True),
    ("web/cart.test.js", "test", True),
    ("web/__tests__/cart.js", "test", True),
    # The tests' helpers and data belong to the tests, but hold no tests to extend.
    ("tests/helpers.py", "test", False),
    ("tests/fixtures/order.json", "test", False),
    ("src/testing/utils.py", "test", False),
    ("benchmarks/bench_cart.py", "test", False),
    ("conftest.py", "test", False),
    ("pkg/test_data.json", "test", False),
    ("src/cart.py", "source", False),
    ("src/contest.py", "source", False),
])
def test_a_test_module_is_a_test_but_not_every_test_file_is_a_module(
        path: str, kind: str, module: bool) -> None:
    assert kind_of(path) == kind
    assert is_test_module(path) is module


def test_a_test_module_named_beside_its_code_is_not_in_a_test_folder() -> None:
    assert is_test_module("pkg/test_util.py") and not in_test_dir("pkg/test_util.py")
    assert in_test_dir("tests/unit/test_util.py")


@pytest.mark.parametrize(("path", "kind"), [
    (".github/workflows/ci.yml", "ci"),
    (".github/ISSUE_TEMPLATE/bug.md", "template"),
    ("tox.ini", "ci"),
    ("pkg/cart.pyi", "stub"),
    ("web/types.d.ts", "stub"),
    ("docs/usage.md", "docs"),
    ("examples/demo.py", "docs"),
    ("pyproject.toml", "config"),
    ("data/prices.csv", "data"),
    ("versioneer.py", "data"),
    ("scripts/release.py", "tooling"),
    ("web/page.html", "data"),
])
def test_each_kind_of_path(path: str, kind: str) -> None:
    assert kind_of(path) == kind


def test_code_is_source_and_the_repositorys_own_scripts() -> None:
    assert is_code("src/cart.py") and is_code("scripts/release.py")
    assert not any(is_code(p) for p in ("tests/helpers.py", "docs/a.md", "pkg/a.pyi"))


def test_vendored_generated_and_binary_files_are_noise() -> None:
    assert all(is_noise(p) for p in ("node_modules/x/i.js", "pkg/_vendor/six.py", "poetry.lock",
                                     "static/app.min.js", "img/logo.png"))
    assert not is_noise("src/vendoring.py")


def test_one_list_of_extensions_for_languages_code_and_stack_frames() -> None:
    # A stub has a language but holds no code; a page or a query is no program.
    assert language_of("a.pyi") == "Python" and "pyi" not in CODE_EXTENSIONS
    assert language_of("a.sql") == "SQL" and "sql" not in CODE_EXTENSIONS
    assert language_of("a.hrl") == "Erlang" and "hrl" in CODE_EXTENSIONS
    # Every code extension is one a position frame (`file.ext:line`) is read from.
    for ext in CODE_EXTENSIONS:
        assert [f.path for f in frames(f"  at run (src/main.{ext}:12:3)")] == [f"src/main.{ext}"]
