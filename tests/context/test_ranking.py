"""Ranking files for an issue: traceback frames first, named files next, then BM25."""

from __future__ import annotations

import pytest

from bot.config import ContextBudget
from bot.context import Snapshot, fetch_snapshot, rank
from bot.context.content import CHUNK_LINES, chunk_spans
from bot.context.tokens import path_tokens, tokenize
from bot.context.tracebacks import PathIndex, frames
from tests.context_samples import (
    COUPON_TRACEBACK,
    SHOP_FILES,
    WIDGET_FILES,
    WIDGET_STACK,
)
from tests.fakes import FakeGitHub


def snapshot_of(files: dict[str, str]) -> Snapshot:
    return fetch_snapshot(FakeGitHub(files=dict(files)), "main", ContextBudget())


@pytest.fixture(scope="module")
def shop() -> Snapshot:
    return snapshot_of(SHOP_FILES)


@pytest.fixture(scope="module")
def widget() -> Snapshot:
    return snapshot_of(WIDGET_FILES)


def paths(ranked: list) -> list[str]:
    return [f.path for f in ranked]


def test_python_traceback_innermost_project_file_ranks_first(shop: Snapshot) -> None:
    ranked = rank(shop, COUPON_TRACEBACK)
    assert paths(ranked)[:2] == ["src/shop/coupons.py", "src/shop/views.py"]
    assert ranked[0].reasons[0] == "traceback"


def test_traceback_snippet_surrounds_the_named_line(shop: Snapshot) -> None:
    first = rank(shop, COUPON_TRACEBACK)[0]
    snippet = first.snippets[0]
    assert snippet.start_line <= 12 <= snippet.end_line
    assert "return KNOWN[name]" in snippet.text


def test_absolute_and_url_stack_paths_match_the_tree_by_suffix(widget: Snapshot) -> None:
    ranked = paths(rank(widget, WIDGET_STACK))
    assert ranked[:3] == [
        "src/utils/formatPrice.js", "src/components/CartBadge.js", "src/index.js"
    ]


def test_traceback_path_missing_from_the_tree_is_never_returned(shop: Snapshot) -> None:
    issue = COUPON_TRACEBACK.replace("src/shop/coupons.py", "src/shop/payments.py")
    ranked = rank(shop, issue, k=50)
    assert "src/shop/payments.py" not in paths(ranked)
    assert set(paths(ranked)) <= shop.paths
    assert all(s.path in shop.paths for f in ranked for s in f.snippets)


def test_library_frame_does_not_match_a_project_file_of_the_same_name(shop: Snapshot) -> None:
    # The site-packages frame is flask's app.py, not the project's top-level app.py.
    ranked = rank(shop, COUPON_TRACEBACK, k=50)
    traced = [f.path for f in ranked if "traceback" in f.reasons]
    assert traced == ["src/shop/coupons.py", "src/shop/views.py"]
    assert match_paths("/x/site-packages/flask/app.py", shop.paths) == []


def test_installed_package_frame_matches_the_package_source_tree() -> None:
    tree = frozenset({"src/flask/app.py", "app.py", "tests/test_app.py"})
    assert match_paths("/usr/lib/python3/site-packages/flask/app.py", tree) == ["src/flask/app.py"]


def test_standard_library_and_node_module_frames_do_not_match_project_files() -> None:
    tree = frozenset({"client.py", "index.js", "src/app.py"})
    assert match_paths("/usr/lib/python3.11/http/client.py", tree) == []
    assert match_paths("/srv/web/node_modules/react/index.js", tree) == []
    assert match_paths("/home/ann/proj/client.py", tree) == ["client.py"]


def test_identifier_named_without_traceback_finds_its_file(shop: Snapshot) -> None:
    issue = "Cart total ignores the discount\n\nAfter `apply_discount(10)` the total is unchanged."
    assert "src/shop/cart.py" in paths(rank(shop, issue))[:5]


def test_camel_case_identifier_in_prose_finds_its_js_file(widget: Snapshot) -> None:
    issue = "Prices show three decimals\n\nformatPrice renders 19.990 instead of 19.99."
    assert paths(rank(widget, issue))[0] == "src/utils/formatPrice.js"


def test_file_named_in_prose_ranks_high(shop: Snapshot) -> None:
    issue = "Connections leak\n\nI think db.py never closes the sqlite handle on errors."
    ranked = rank(shop, issue)
    assert ranked[0].path == "src/shop/db.py"
    assert ranked[0].reasons[0] == "mentioned"


def test_vendored_lock_minified_and_binary_files_are_never_ranked(shop: Snapshot) -> None:
    issue = "leftPad flask package version logo PNG IHDR var records"
    ranked = paths(rank(shop, issue, k=50))
    for noise in ("node_modules/left-pad/index.js", "poetry.lock", "static/logo.png",
                  "static/app.min.js", "data/records.idx"):
        assert noise in shop.paths
        assert noise not in shop.files
    assert not {"node_modules/left-pad/index.js", "poetry.lock", "static/logo.png",
                "static/app.min.js"} & set(ranked)


def test_tree_only_snapshot_ranks_by_path_names(shop: Snapshot) -> None:
    tree_only = Snapshot(shop.commit_sha, shop.entries, {}, tree_only=True)
    ranked = rank(tree_only, "Lowercase coupon codes are rejected")
    assert ranked[0].path == "src/shop/coupons.py"
    assert ranked[0].snippets == ()


def test_unrelated_issue_returns_nothing_rather_than_noise(shop: Snapshot) -> None:
    assert rank(shop, "zzz qqq") == []


def test_traceback_paths_reads_frames_of_each_runtime() -> None:
    text = (
        '  File "/srv/app/src/app/views.py", line 42, in index\n'
        "    at parseHeader (src/lib/headers.js:10:5)\n"
        "thread 'main' panicked at src/main.rs:10:5:\n"
        "main.main()\n\t/home/u/proj/cmd/server/main.go:42 +0x1d\n"
        "\tat com.acme.web.Router.route(Router.java:88)\n"
    )
    assert traceback_paths(text) == [
        ("/srv/app/src/app/views.py", 42),
        ("src/lib/headers.js", 10),
        ("src/main.rs", 10),
        ("/home/u/proj/cmd/server/main.go", 42),
        ("com/acme/web/Router.java", 88),
    ]


def test_a_python_frame_pasted_with_its_start_cut_off_is_still_a_frame() -> None:
    text = ('#sqlglot/expressions.py", line 256, in is_leaf\n'
            'print("a.py", line)\n')  # a string and a name: no frame
    assert traceback_paths(text) == [("sqlglot/expressions.py", 256)]


def test_ipython_frames_are_python_frames_with_or_without_a_notebook_link() -> None:
    text = ("File ~/env/site-packages/pandas/core/frame.py:3807, in DataFrame.get(self, key)\n"
            "> File [<shortened>/dask/array/overlap.py:730](http://localhost:8888/x#line=729),"
            " in map_overlap(func)\n")
    assert traceback_paths(text) == [("~/env/site-packages/pandas/core/frame.py", 3807),
                                     ("<shortened>/dask/array/overlap.py", 730)]


def test_ipython_frames_keep_the_code_line_ipython_marks() -> None:
    text = ("> File [<shortened>/dask/array/blockwise.py:272](http://x), in blockwise(func)\n"
            ">     271     if bad:\n> --> 272         raise ValueError(\n> \n"
            "> File [<shortened>/dask/array/core.py:874](http://x), in map_blocks(func)\n")
    assert [(f.line, f.source) for f in frames(text)] == [(272, "raise ValueError("),
                                                          (874, "")]


def test_older_ipython_frames_name_the_file_then_mark_the_line() -> None:
    text = ("<ipython-input-5-e0> in <module>()\n---> 52 test()\n\n"
            "/env/site-packages/shop/util.py in safe_zip(*args)\n     34   for arg in args:\n"
            "---> 35     assert len(arg) == n\n     36   return list(zip(*args))\n\n"
            "AssertionError: length mismatch\n")
    found = frames(text)
    assert [(f.path, f.line, f.function, f.source, f.python) for f in found] == [
        ("/env/site-packages/shop/util.py", 35, "safe_zip", "assert len(arg) == n", True)]


def test_ambiguous_bare_file_name_matches_nothing() -> None:
    tree = frozenset(f"pkg{i}/__init__.py" for i in range(5))
    assert match_paths("__init__.py", tree) == []


def test_identifiers_are_indexed_whole_and_split() -> None:
    tokens = tokenize("raise HTTPServerError(parse_header(rawValue))")
    assert {"httpservererror", "http", "server", "parse_header", "parse", "header",
            "rawvalue", "raw", "value"} <= set(tokens)
    assert "raise" not in tokens
    named = set(path_tokens("src/utils/formatPrice.js"))
    assert {"formatprice", "format", "price", "util", "formatprice.js"} <= named


def test_chunks_stay_within_the_window_and_cut_at_definitions() -> None:
    lines = ["x = 1"] * 100 + ["def later():", "    return 2"] + ["y = 2"] * 30
    spans = chunk_spans(lines)
    assert spans[0] == (1, CHUNK_LINES)
    assert all(end - start + 1 <= CHUNK_LINES for start, end in spans)
    assert any(start == 101 for start, _ in spans)
    assert spans[-1][1] == len(lines)


def match_paths(raw: str, paths: frozenset[str]) -> list[str]:
    return PathIndex(paths).match(raw)


def traceback_paths(text: str) -> list[tuple[str, int | None]]:
    return [(frame.path, frame.line) for frame in frames(text)]
