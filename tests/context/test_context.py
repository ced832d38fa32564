"""Repository context end to end: one archive per commit, a disk cache, a prompt inside budget."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import ContextBudget
from bot.context import build_context, empty_context, estimate_tokens, local_context
from bot.context.assemble import fit, languages
from bot.context.fetch import KEEP_PER_REPO, cache_file, store
from bot.domain import TreeEntry
from tests.context_samples import COUPON_TRACEBACK, SHOP_FILES, WIDGET_FILES
from tests.fakes import FakeGitHub

BUDGET = ContextBudget()


def shop(fail_on: frozenset[str] = frozenset()) -> FakeGitHub:
    return FakeGitHub(files=dict(SHOP_FILES), fail_on=set(fail_on))


def generated_files(count: int) -> dict[str, str]:
    """A repository far larger than any tiny budget: many modules, each a few functions."""
    files = {}
    for i in range(count):
        body = "".join(
            f"def handle_coupon_{i}_{j}(request):\n    code = request.form['coupon']\n"
            f"    return parse_coupon(code) * {j}\n\n" for j in range(12)
        )
        files[f"src/pkg{i % 40}/module_{i}.py"] = body
    return files


def test_context_grounds_the_planner_in_the_traceback_file(tmp_path: Path) -> None:
    context = build_context(shop(), "main", COUPON_TRACEBACK, BUDGET, tmp_path)
    assert context.commit_sha == "sha-0"
    assert context.snippets[0].path == "src/shop/coupons.py"
    assert "### src/shop/coupons.py:1-" in context.prompt_text
    assert "return KNOWN[name]" in context.prompt_text
    assert context.paths == frozenset(SHOP_FILES)
    assert context.languages[0] == "Python"


def test_archive_is_downloaded_once_and_the_same_commit_is_served_from_cache(
    tmp_path: Path,
) -> None:
    github = shop()
    first = build_context(github, "main", COUPON_TRACEBACK, BUDGET, tmp_path)
    second = build_context(github, "main", COUPON_TRACEBACK, BUDGET, tmp_path)
    assert github.calls.count("archive") == 1
    assert github.calls.count("tree") == 2  # the branch may have moved: ask for its commit
    assert (tmp_path / "octo__widgets" / "sha-0.tar.gz").is_file()
    assert second == first


def test_without_a_cache_dir_every_build_downloads_the_archive() -> None:
    github = shop()
    build_context(github, "main", "coupon", BUDGET)
    build_context(github, "main", "coupon", BUDGET)
    assert github.calls.count("archive") == 2


def test_corrupt_cache_entry_is_replaced_by_a_fresh_download(tmp_path: Path) -> None:
    path = tmp_path / "octo__widgets" / "sha-0.tar.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a tarball")
    github = shop()
    context = build_context(github, "main", COUPON_TRACEBACK, BUDGET, tmp_path)
    assert github.calls.count("archive") == 1
    assert context.snippets
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip magic: the good archive was stored


def test_unwritable_cache_does_not_fail_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    context = build_context(shop(), "main", COUPON_TRACEBACK, BUDGET, blocker)
    assert context.snippets[0].path == "src/shop/coupons.py"


def test_tree_over_the_byte_budget_is_downloaded_and_its_source_read() -> None:
    github = shop()
    budget = ContextBudget(max_repo_bytes=sum(len(t) for t in SHOP_FILES.values()) // 2)
    context = build_context(github, "main", COUPON_TRACEBACK, budget)
    assert "archive" in github.calls
    assert context.snippets[0].path == "src/shop/coupons.py"
    assert "left unread by the size budget" in context.prompt_text


def test_tree_far_over_the_byte_budget_reads_its_best_files_one_by_one() -> None:
    github = shop()
    budget = ContextBudget(max_repo_bytes=100)
    context = build_context(github, "main", "Lowercase coupon codes are rejected", budget)
    assert "archive" not in github.calls
    assert "read_file" in github.calls
    assert context.paths == frozenset(SHOP_FILES)
    assert context.snippets[0].path == "src/shop/coupons.py"


def test_failed_archive_download_falls_back_to_reading_the_traceback_files() -> None:
    github = shop(fail_on=frozenset({"archive"}))
    context = build_context(github, "main", COUPON_TRACEBACK, BUDGET)
    assert context.snippets[0].path == "src/shop/coupons.py"
    assert "- src/shop/coupons.py (traceback" in context.prompt_text


def test_without_any_contents_files_are_ranked_by_their_paths() -> None:
    github = shop(fail_on=frozenset({"archive", "read_file"}))
    context = build_context(github, "main", COUPON_TRACEBACK, BUDGET)
    assert context.snippets == ()
    assert "ranked by their paths only" in context.prompt_text
    assert "- src/shop/coupons.py (traceback" in context.prompt_text


@pytest.mark.parametrize("tokens", [1, 40, 300, 2_000])
def test_prompt_never_exceeds_the_token_budget_of_a_large_repository(tokens: int) -> None:
    github = FakeGitHub(files=generated_files(600))
    budget = ContextBudget(prompt_tokens=tokens, max_files=3)
    context = build_context(github, "main", "parse_coupon fails in handle_coupon_7_3", budget)
    assert estimate_tokens(context.prompt_text) <= tokens
    assert len({s.path for s in context.snippets}) <= 3
    if tokens >= 2_000:
        assert context.snippets  # room for excerpts: they are used


def test_cut_excerpt_keeps_an_honest_line_range() -> None:
    github = FakeGitHub(files=generated_files(50))
    context = build_context(github, "main", "handle_coupon_7_3", ContextBudget(prompt_tokens=450))
    for snippet in context.snippets:
        assert snippet.end_line - snippet.start_line + 1 == len(snippet.text.split("\n"))
        header = f"### {snippet.path}:{snippet.start_line}-{snippet.end_line}\n"
        assert header in context.prompt_text


def test_excerpt_with_backticks_gets_a_longer_fence() -> None:
    files = {"docs/guide.md": "Use ```py fences``` to show `run_guide` code.\n"}
    context = build_context(FakeGitHub(files=files), "main", "run_guide", BUDGET)
    assert "````\nUse ```py fences```" in context.prompt_text


def test_languages_are_weighted_by_bytes_and_skip_prose() -> None:
    entries = [TreeEntry("a.py", 9_000), TreeEntry("b.js", 400), TreeEntry("run.sh", 3_000),
               TreeEntry("README.md", 50_000), TreeEntry("node_modules/x/i.js", 90_000)]
    assert languages(entries) == ("Python", "Shell", "JavaScript")


def test_fit_cuts_whole_lines_before_characters() -> None:
    text = "\n".join(f"line {i} of the summary" for i in range(100))
    cut = fit(text, 30)
    assert estimate_tokens(cut) <= 30
    assert cut.endswith("of the summary")
    assert estimate_tokens(fit("x" * 500, 3)) <= 3


def test_local_context_walks_a_working_copy_and_honours_gitignore(tmp_path: Path) -> None:
    files = dict(WIDGET_FILES) | {
        ".gitignore": "secrets/\n*.log\n",
        "secrets/token.js": "export const TOKEN = 'formatPrice';\n",
        "debug.log": "formatPrice failed\n",
        "node_modules/lib/index.js": "export function formatPrice() {}\n",
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    context = local_context(tmp_path, "formatPrice shows three decimals", BUDGET)
    assert context.snippets[0].path == "src/utils/formatPrice.js"
    assert "src/utils/formatPrice.js" in context.paths
    assert not {"secrets/token.js", "debug.log", "node_modules/lib/index.js"} & context.paths
    assert context.commit_sha == "local"


def test_local_context_reads_the_checked_out_commit(tmp_path: Path) -> None:
    (tmp_path / ".git" / "refs" / "heads").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text("0123abcd" * 5 + "\n")
    (tmp_path / "main.py").write_text("print('hi')\n")
    context = local_context(tmp_path, "hi", BUDGET)
    assert context.commit_sha == "0123abcd" * 5
    assert context.paths == frozenset({"main.py"})


def test_empty_context_tells_the_planner_there_is_no_repository() -> None:
    context = empty_context()
    assert context.paths == frozenset()
    assert "src/app.py" not in context.paths
    assert "cite no file paths" in context.prompt_text


def test_cache_keeps_only_the_newest_commits_of_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "octo__widgets"
    folder.mkdir()
    for age, sha in enumerate(["e5", "d4", "c3", "b2", "a1"]):  # a1 is the oldest
        (folder / f"{sha}.tar.gz").write_bytes(b"archive")
        os.utime(folder / f"{sha}.tar.gz", (1_000_000 - age * 100,) * 2)
    store(folder / "f6.tar.gz", b"archive")
    kept = sorted(p.name for p in folder.iterdir())
    assert KEEP_PER_REPO == 4
    assert kept == ["c3.tar.gz", "d4.tar.gz", "e5.tar.gz", "f6.tar.gz"]


def test_cache_names_cannot_escape_the_cache_folder(tmp_path: Path) -> None:
    assert cache_file(tmp_path, "octo/widgets", "../../etc") is None
    expected = tmp_path / "octo__widgets" / "abc123.tar.gz"
    assert cache_file(tmp_path, "octo/widgets", "abc123") == expected
