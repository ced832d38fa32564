"""Each retrieval rule on its own: what the query is made of, what outranks what, where
excerpts sit, and what the byte budget may and may not do."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ContextBudget
from bot.context import content, local_context, search
from bot.context.budget import to_read
from bot.context.excerpts import frame_line
from bot.context.issue import issue_text
from bot.context.query import parse_query
from bot.context.ranking import Ranking
from bot.context.snapshot import Snapshot
from bot.context.tokens import tokenize
from bot.context.tracebacks import Frame, PathIndex
from bot.documents.problem import render_problem
from bot.domain import Comment, Issue, TreeEntry

COUPONS = (
    '"""Coupon codes like SAVE10."""\n\nimport re\n\nKNOWN = {"SAVE10": 10}\n\n\n'
    + "".join(f"def helper_{i}(value):\n    return value + {i}\n\n\n" for i in range(12))
    + "def parse_coupon(code):\n    name = code.strip().upper()\n    return KNOWN[name]\n"
)
FILES = {
    "src/shop/coupons.py": COUPONS,
    "src/shop/cart.py": "class Cart:\n    def total(self):\n        return 0\n",
    "tests/test_coupons.py": (
        "from shop.coupons import parse_coupon\n\n\ndef test_parse_coupon_lowercase():\n"
        "    assert parse_coupon('save10') == 10  # parse_coupon coupon lowercase KNOWN\n"
    ),
    ".github/ISSUE_TEMPLATE/bug_report.md": "GitHub issue: describe the bug, steps, version.\n",
    "docs/coupons.md": "# Coupons\n\nparse_coupon reads a coupon code such as SAVE10.\n",
}


def snapshot(files: dict[str, str] = FILES) -> Snapshot:
    entries = tuple(TreeEntry(p, len(t)) for p, t in sorted(files.items()))
    return Snapshot("abc", entries, dict(files))


def paths(ranking: Ranking) -> list[str]:
    return [f.path for f in ranking.files]


def test_query_from_a_problem_definition_leaves_out_planbots_template_text() -> None:
    issue = Issue(7, "Coupon codes fail in lowercase", "Entering save10 is rejected.",
                  author="octocat", url="https://github.com/acme/shop/issues/7")
    comment = Comment(1, "The parser never folds them.", author="hubot-fan",
                      association="MEMBER")
    document = render_problem("acme/shop", issue, [comment])
    text = issue_text(document)
    assert text.splitlines()[0] == "Coupon codes fail in lowercase"
    assert "save10 is rejected" in text and "never folds them" in text
    tokens = set(parse_query(text).tokens)
    for template_word in ("case", "github", "completeness", "missing", "octocat", "hubot",
                          "overview", "acme", "issue", "reproduction", "maintainer"):
        assert template_word not in tokens


def test_a_tag_the_reporter_quoted_is_searched_as_written_though_published_escaped() -> None:
    issue = Issue(8, "Parse fails: Extra data in '}</script> '", "Seen in <module> too.")
    document = render_problem("acme/shop", issue, [])
    assert "</script>" not in document
    text = issue_text(document)
    assert text.startswith("Parse fails: Extra data in '}</script> '\n")
    assert "Seen in <module> too." in text


def test_identifiers_are_split_and_stop_words_checked_before_plurals() -> None:
    tokens = tokenize("this does parseHeaders for snake_case in dask.dataframe.core queries")
    assert {"parseheaders", "parse", "header", "snake_case", "snake", "case", "dask",
            "dataframe", "core", "query"} <= set(tokens)
    assert not {"thi", "doe", "this", "does"} & set(tokens)


def test_github_blob_link_is_a_mention_of_its_file_and_its_line() -> None:
    issue = ("Lowercase codes fail\nSee https://github.com/acme/shop/blob/0a1b2c3/"
             "src/shop/coupons.py#L54 where the name is upper-cased.")
    ranking = search(snapshot(), issue)
    first = ranking.files[0]
    assert first.path == "src/shop/coupons.py"
    assert first.reasons[0] == "mentioned"
    assert any(s.start_line <= 54 <= s.end_line for s in first.snippets)


def test_the_word_github_does_not_pull_the_github_folder() -> None:
    ranking = search(snapshot(), "GitHub issue about the bug\nOn GitHub the issue steps "
                                 "and version are given, parse_coupon fails.")
    assert not any(p.startswith(".github/") for p in paths(ranking)[:3])


def test_dotted_module_path_names_its_file() -> None:
    ranking = search(snapshot(), "Wrong total\n`shop.cart.Cart.total` ignores discounts.")
    assert paths(ranking)[0] == "src/shop/cart.py"


def test_source_outranks_its_test_which_is_listed_to_run_or_extend() -> None:
    ranking = search(snapshot(), "parse_coupon rejects lowercase coupon codes\n"
                                 "parse_coupon('save10') raises KeyError for KNOWN codes.")
    assert paths(ranking)[0] == "src/shop/coupons.py"
    assert "tests/test_coupons.py" not in paths(ranking)
    assert ranking.tests[0] == "tests/test_coupons.py"


def test_tests_rank_with_the_source_when_the_title_is_about_tests() -> None:
    ranking = search(snapshot(), "Flaky test for lowercase coupons\n"
                                 "test_parse_coupon_lowercase fails on CI sometimes.")
    assert "tests/test_coupons.py" in paths(ranking)[:2]


def test_a_name_in_the_issue_pulls_the_file_that_defines_it() -> None:
    files = {**FILES, **{f"src/shop/mod{i}.py": "def helper(x):\n    return Cart\n"
                         for i in range(5)}}
    ranking = search(snapshot(files), "Totals are wrong\nThe `Cart` is always empty.")
    assert paths(ranking)[0] == "src/shop/cart.py"
    assert "defines" in ranking.files[0].reasons


def test_title_prefix_names_the_component() -> None:
    files = {**FILES, "src/shop/checkout.py": "def pay(cart):\n    return cart\n"}
    ranking = search(snapshot(files), "[checkout] payment hangs\nNothing happens after paying.")
    assert paths(ranking)[0] == "src/shop/checkout.py"


def test_a_named_test_file_points_at_the_source_it_tests() -> None:
    ranking = search(snapshot(), "Update test_coupons.py\nIt misses the lowercase case.")
    assert paths(ranking)[0] == "src/shop/coupons.py"


def test_excerpt_is_centred_on_the_named_definition_not_the_file_head() -> None:
    ranking = search(snapshot(), "parse_coupon fails on lowercase\nSee `parse_coupon`.")
    snippet = ranking.files[0].snippets[0]
    assert "def parse_coupon(code):" in snippet.text
    assert snippet.start_line > 1


def test_version_skewed_traceback_frame_is_located_by_its_source_line() -> None:
    lines = COUPONS.splitlines()
    moved = lines.index("    return KNOWN[name]") + 1
    frame = Frame("/srv/shop/src/shop/coupons.py", 12, "parse_coupon", True,
                  "return KNOWN[name]")
    assert frame_line(lines, frame) == moved
    issue = ('KeyError on lowercase codes\nTraceback (most recent call last):\n'
             '  File "/srv/shop/src/shop/coupons.py", line 12, in parse_coupon\n'
             "    return KNOWN[name]\nKeyError: 'save10'\n")
    first = search(snapshot(), issue).files[0]
    assert first.path == "src/shop/coupons.py"
    assert any(s.start_line <= moved <= s.end_line for s in first.snippets)


def test_frame_without_matching_code_falls_back_to_the_function_definition() -> None:
    lines = COUPONS.splitlines()
    definition = lines.index("def parse_coupon(code):") + 1
    frame = Frame("coupons.py", 3, "parse_coupon", True, "return LEGACY[code]")
    assert frame_line(lines, frame) == definition


def test_reporters_own_script_frame_does_not_match_a_namesake_deeper_in_the_tree() -> None:
    tree = PathIndex(["tests/fixtures/a.py", "src/shop/a.py", "a_root.py"])
    assert tree.match("a.py", frame=True) == []
    assert tree.match("/home/me/a.py", frame=True) == []
    assert tree.match("a.py") == ["src/shop/a.py", "tests/fixtures/a.py"]


def test_tree_over_the_byte_budget_still_gets_excerpts_of_its_source(tmp_path: Path) -> None:
    for path, text in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    (tmp_path / "docs" / "api").mkdir()
    (tmp_path / "docs" / "api" / "coupons.html").write_text("<p>parse_coupon</p>\n" * 20_000)
    budget = ContextBudget(max_repo_bytes=50_000)
    context = local_context(tmp_path, "parse_coupon rejects lowercase codes", budget)
    assert context.snippets and context.snippets[0].path == "src/shop/coupons.py"
    assert "docs/api/coupons.html" in context.paths
    assert "left unread by the size budget" in context.prompt_text


def test_budget_reads_source_first_and_never_more_than_it_allows() -> None:
    entries = [TreeEntry("docs/big.html", 400), TreeEntry("src/a.py", 300),
               TreeEntry("tests/test_a.py", 200), TreeEntry("node_modules/x/i.js", 10)]
    chosen, unread = to_read(entries, ContextBudget(max_repo_bytes=550))
    assert chosen == {"src/a.py", "tests/test_a.py"}
    assert unread == 1


def test_large_repository_prefilter_keeps_the_file_defining_a_named_symbol(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Past FULL_INDEX_CHARS only candidates are chunked: the definer must be one of them
    # even when many other files share the issue's words.
    monkeypatch.setattr(content, "FULL_INDEX_CHARS", 0)
    monkeypatch.setattr(content, "CANDIDATE_CHARS", 2_000)
    files = dict(FILES)
    files.update({f"src/shop/noise{i}.py": "# coupon lowercase codes rejected\n" * 20
                  for i in range(40)})
    ranking = search(snapshot(files), "Lowercase coupons rejected\n`parse_coupon` fails.")
    assert paths(ranking)[0] == "src/shop/coupons.py"


def test_search_says_where_the_names_of_the_issues_own_words_are_defined() -> None:
    found = search(snapshot(), "`parse_coupon` rejects lowercase\n```\nCart().total()\n```")
    line = COUPONS.splitlines().index("def parse_coupon(code):") + 1
    assert ("parse_coupon", "src/shop/coupons.py", line) in found.definitions
    assert not any(name == "total" for name, _, _ in found.definitions)  # pasted code only


def test_the_context_carries_why_each_file_ranked_and_the_tests_of_each_file(
        tmp_path: Path) -> None:
    for path, text in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    context = local_context(tmp_path, "`parse_coupon` rejects lowercase", ContextBudget())
    assert "defines" in context.findings.why("src/shop/coupons.py")
    assert context.findings.tests_of("src/shop/coupons.py") == ("tests/test_coupons.py",)
