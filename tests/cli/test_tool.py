"""`python -m bot tool`: a research tool run by hand prints what the model receives."""

from __future__ import annotations

from pathlib import Path

from bot.cli.tool import run_tool
from bot.config import ContextBudget
from bot.context.snapshot import from_directory
from bot.research.tools import Toolbox
from tests.cli.test_cli import cli
from tests.context_samples import SHOP_FILES


def checkout(root: Path) -> Path:
    for path, text in SHOP_FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def test_the_command_prints_exactly_the_models_tool_result(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    args = '{"path": "src/shop/coupons.py", "start": 9, "end": 12}'

    done = cli("tool", "--repo-dir", str(repo), "read_file", args)

    model_gets = Toolbox(from_directory(repo, ContextBudget())).run(
        "read_file", {"path": "src/shop/coupons.py", "start": 9, "end": 12})
    assert done.returncode == 0, done.stderr
    assert done.stdout == model_gets.text + "\n"
    assert "9  def parse_coupon(code):" in done.stdout


def test_an_error_result_is_printed_too_and_exits_one(tmp_path: Path) -> None:
    done = cli("tool", "--repo-dir", str(checkout(tmp_path)), "read_file",
               '{"path": "../../etc/passwd"}')

    assert done.returncode == 1
    assert done.stdout.startswith("Error: `../../etc/passwd` is outside the repository")


def test_arguments_that_are_not_json_are_a_usage_error(tmp_path: Path) -> None:
    done = cli("tool", "--repo-dir", str(checkout(tmp_path)), "grep", "{pattern: x}")

    assert done.returncode == 2
    assert "ARGS_JSON is not JSON" in done.stderr


def test_the_checkouts_own_context_budget_decides_what_is_read(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    (repo / ".github").mkdir()
    (repo / ".github/planbot.yml").write_text("context:\n  max_file_bytes: 100\n")

    result = run_tool(repo, "read_file", '{"path": "src/shop/views.py"}')

    assert result.is_error and "its text was not read" in result.text
