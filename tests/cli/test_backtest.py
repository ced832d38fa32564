"""`python -m bot backtest` on tiny git repositories made here, in maintainers' layouts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.cli.baseline import is_test_file
from bot.cli.checkouts import checkout, find_repository
from bot.cli.model_backtest import NEEDS_KEY
from bot.cli.scores import first_hit, hit, localisable, reciprocal
from bot.domain import Findings, RepoContext, Site
from tests.loopback_anthropic import LoopbackAnthropic

SHOP = {
    "shop/coupons.py": (
        "KNOWN = {'SAVE10': 10}\n\n\ndef lookup_coupon(name):\n"
        "    \"\"\"The discount for a coupon code.\"\"\"\n    return KNOWN[name]\n"
    ),
    "shop/cart.py": "def cart_total(items):\n    return sum(i.price for i in items)\n",
    "tests/test_coupons.py": "from shop.coupons import lookup_coupon\n\n\n"
                             "def test_lookup_coupon():\n    assert lookup_coupon('SAVE10')\n",
    "README.md": "# shop\n\nCoupons and carts.\n",
}
NOTES = {
    "notes/store.py": "class NoteStore:\n    def save_note(self, text):\n        return text\n",
    "notes/render.py": "def render_markdown(text):\n    return text.strip()\n",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def commit_repo(folder: Path, files: dict[str, str]) -> str:
    folder.mkdir(parents=True)
    git(folder, "init", "-q")
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    return git(folder, "rev-parse", "HEAD")


@pytest.fixture
def clones(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder of clones: one in OWNER/NAME, one bare in OWNER+NAME/repo."""
    repos = tmp_path / "repos"
    shop = commit_repo(repos / "acme" / "shop", SHOP)
    source = tmp_path / "notes-src"
    notes = commit_repo(source, NOTES)
    subprocess.run(["git", "clone", "-q", "--bare", str(source),
                    str(repos / "acme+notes" / "repo")], check=True)
    return repos, {"acme/shop": shop, "acme/notes": notes}


def write_cases(path: Path, commits: dict[str, str]) -> Path:
    cases = [
        {"instance_id": "acme__shop-1", "repo": "acme/shop", "base_commit": commits["acme/shop"],
         "category": "Bug Report", "title": "lookup_coupon raises KeyError for lowercase codes",
         "body": "Calling `lookup_coupon('save10')` fails with KeyError.",
         "gold_files": ["shop/coupons.py"]},
        {"instance_id": "acme__notes-2", "repo": "acme/notes",
         "base_commit": commits["acme/notes"], "category": "Feature Request",
         "title": "NoteStore should trim notes before saving",
         "body": "save_note keeps trailing spaces.", "gold_files": ["notes/store.py"]},
    ]
    path.write_text(json.dumps(cases))
    return path


def test_backtest_scores_the_context_hypotheses_and_bm25_of_each_case(
    clones: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    repos, commits = clones
    cases = write_cases(tmp_path / "cases.json", commits)
    out = tmp_path / "results.json"
    code = main(["backtest", "--cases", str(cases), "--repos", str(repos),
                 "--cache", str(tmp_path / "cache"), "--json", str(out)])
    assert code == 0
    results = {r["case"]: r for r in json.loads(out.read_text())}
    shop = results["acme__shop-1"]
    assert shop["context"][0] == "shop/coupons.py"
    assert shop["hypotheses"][0] == "shop/coupons.py"
    assert shop["bm25"][0] == "shop/coupons.py"
    assert "tests/test_coupons.py" not in shop["bm25"]
    assert shop["invented"] == [] and shop["error"] == ""
    assert results["acme__notes-2"]["context"][0] == "notes/store.py"
    printed = capsys.readouterr().out
    assert "| acme__shop-1 | Bug Report | 1 | yes | 1 | 1 | 0 |" in printed
    assert "| **all** | 2 | 1.00 |" in printed
    assert shop["first"] == ["shop/coupons.py"] and not shop["too_little"]
    assert "| Feature Request | 1 |" in printed


def test_limit_runs_only_the_first_cases(
    clones: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    repos, commits = clones
    cases = write_cases(tmp_path / "cases.json", commits)
    main(["backtest", "--cases", str(cases), "--repos", str(repos),
          "--cache", str(tmp_path / "cache"), "--limit", "1"])
    printed = capsys.readouterr().out
    assert "acme__shop-1" in printed and "acme__notes-2" not in printed


def test_a_repository_missing_from_the_folder_is_an_error_row_and_exit_code_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"repo": "acme/gone", "base_commit": "0" * 40, "title": "t",
                                  "body": "", "gold_files": ["a.py"]}]))
    (tmp_path / "repos").mkdir()
    code = main(["backtest", "--cases", str(cases), "--repos", str(tmp_path / "repos"),
                 "--cache", str(tmp_path / "cache")])
    assert code == 1
    assert "no clone of acme/gone" in capsys.readouterr().out


def test_repositories_are_found_in_each_folder_layout(tmp_path: Path) -> None:
    commit_repo(tmp_path / "plain", {"a.py": "x = 1\n"})
    (tmp_path / "octo").mkdir()
    subprocess.run(["git", "clone", "-q", "--bare", str(tmp_path / "plain"),
                    str(tmp_path / "octo" / "bare.git")], check=True)
    assert find_repository(tmp_path, "someone/plain") == tmp_path / "plain"
    assert find_repository(tmp_path, "octo/bare") == tmp_path / "octo" / "bare.git"
    with pytest.raises(LookupError, match="no clone of octo/none"):
        find_repository(tmp_path, "octo/none")


def test_a_blob_the_clone_lacks_is_laid_out_as_an_empty_file(tmp_path: Path) -> None:
    commit = commit_repo(tmp_path / "repos" / "big", {"a.py": "x = 1\n", "big.bin": "data\n"})
    blob = git(tmp_path / "repos" / "big", "rev-parse", f"{commit}:big.bin")
    (tmp_path / "repos" / "big" / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    tree, lacking = checkout(tmp_path / "repos", "o/big", commit, tmp_path / "cache")
    assert lacking == 1
    assert (tree / "a.py").read_text() == "x = 1\n"
    assert (tree / "big.bin").read_bytes() == b""
    assert checkout(tmp_path / "repos", "o/big", commit, tmp_path / "cache") == (tree, 1)


def test_hit_at_k_and_reciprocal_rank_count_the_first_gold_file() -> None:
    ranked = ["a.py", "b.py", "c.py"]
    assert first_hit(ranked, ["c.py", "b.py"]) == 2
    assert hit(ranked, ["b.py"], 1) is False and hit(ranked, ["b.py"], 3) is True
    assert reciprocal(ranked, ["c.py"]) == pytest.approx(1 / 3)
    assert reciprocal(ranked, ["z.py"]) == 0.0


def test_baseline_leaves_out_test_files_by_swe_bench_rule() -> None:
    for path in ("tests/a.py", "pkg/test_a.py", "pkg/a_test.py", "conftest.py",
                 "pkg/testing/utils.py"):
        assert is_test_file(path)
    assert not is_test_file("pkg/contest.py")


def test_the_model_planner_without_a_key_says_so_in_one_line_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    code = main(["backtest", "--cases", str(tmp_path / "none.json"), "--repos", str(tmp_path),
                 "--planner", "anthropic"])

    printed = capsys.readouterr()
    assert code == 2 and printed.out == ""
    assert printed.err == f"{NEEDS_KEY}\n" and "ANTHROPIC_API_KEY" in NEEDS_KEY


def test_the_model_planner_reports_its_hits_turns_tokens_and_cost_beside_the_offline_ones(
    clones: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repos, commits = clones
    cases = write_cases(tmp_path / "cases.json", commits)
    out = tmp_path / "results.json"
    with LoopbackAnthropic(paths=("shop/coupons.py",)) as api:
        api.respond_with_calls([("find_symbol", {"name": "lookup_coupon"})], "It is in shop.")
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-loopback")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        code = main(["backtest", "--cases", str(cases), "--repos", str(repos), "--cache",
                     str(tmp_path / "cache"), "--json", str(out), "--planner", "anthropic"])

    assert code == 0 and api.problems == []
    results = {r["case"]: r for r in json.loads(out.read_text())}
    shop = results["acme__shop-1"]["model"]
    assert (shop["h1"], shop["turns"], shop["tool_calls"]) == (["shop/coupons.py"], 2, 1)
    assert shop["tokens"] > 0 and shop["cost_usd"] > 0 and shop["error"] == ""
    assert results["acme__notes-2"]["model"]["invented"] == ["shop/coupons.py"]
    printed = capsys.readouterr().out
    assert "| acme__shop-1 | 1 | 1 | 1 | 1 | 2 | 1 |" in printed
    assert "| offline | 2 | 1.00 |" in printed and "| anthropic | 2 | 0.50 |" in printed


def test_an_issue_points_into_the_tree_by_a_frame_a_path_a_module_or_error_text() -> None:
    context = RepoContext("abc", frozenset({"shop/cart.py", "shop/__init__.py"}))
    frame = 'Traceback:\n  File "/srv/app/shop/cart.py", line 3, in add\nKeyError: 1'
    assert localisable(frame, context) == ["traceback"]
    assert localisable("Fails in `shop/cart.py`", context) == ["path"]
    assert localisable("`shop.cart.add` fails", context) == ["module"]
    found = RepoContext("abc", context.paths, findings=Findings(sites=(
        Site("shop/cart.py", 3, "raise KeyError('no such item')", "message", "no such item"),)))
    assert localisable('It says "no such item"', found) == ["error text"]
    assert localisable("The cart is slow", context) == []
