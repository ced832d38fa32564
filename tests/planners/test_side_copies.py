"""Live code over the copies kept beside it: a frozen older version of a package, a legacy,
deprecated or experimental namespace. What they hold is the live code's first."""

from __future__ import annotations

from bot.documents.kind import FEATURE
from bot.planners.copies import side_folders
from bot.planners.evidence import TreeMatcher
from bot.planners.hypotheses import ranked
from tests.planners.test_hypothesis_rules import FILES, context

# `ledger/v1/` repeats the package's modules as they were; `ledger/legacy/` keeps an old
# exporter; `ledger/backends/` is a package of its own whose modules only share names
# with one another.
COPIED = {
    **FILES,
    "ledger/v1/__init__.py": "",
    "ledger/v1/money.py": "class MoneyField:\n    def parse(self, text):\n        return text\n",
    "ledger/v1/checks.py": "def require_same_length(a, b):\n    return True\n",
    "ledger/v1/report.py": "def build_report(rows, totals):\n    return rows\n",
    "ledger/legacy/export.py": "def export_rows(rows, flag):\n    return rows\n",
    "ledger/backends/sqlite/store.py": "def save(rows):\n    return rows\n",
    "ledger/backends/memory/store.py": "def save(rows):\n    return rows\n",
}


def test_a_folder_repeating_its_packages_modules_is_a_frozen_copy() -> None:
    assert side_folders(COPIED) == {"ledger/v1", "ledger/legacy"}


def test_a_copy_the_issue_names_is_what_it_is_about() -> None:
    assert side_folders(COPIED, "Migrating: the v1 MoneyField drops the sign") == {
        "ledger/legacy"}


def test_a_name_the_live_code_and_its_frozen_copy_define_is_the_live_codes() -> None:
    text = "Make `MoneyField` accept a currency"
    order = ("ledger/v1/money.py", "ledger/money.py")
    first = ranked(TreeMatcher(context(text, order, COPIED), text), text, "", FEATURE)[0]
    assert first.where_to_look[0] == "ledger/money.py:7"


def test_the_search_matches_to_read_first_skip_side_copies() -> None:
    text = "Exports feel off lately"
    order = ("ledger/legacy/export.py", "ledger/v1/report.py", "ledger/export.py",
             "ledger/report.py", "ledger/money.py")
    read = [h.where_to_look[0].split(":")[0]
            for h in ranked(TreeMatcher(context(text, order, COPIED), text), text, "")]
    assert read == ["ledger/export.py", "ledger/report.py", "ledger/money.py"]


def test_a_name_only_a_side_copy_defines_weighs_less_and_says_so() -> None:
    files = {**COPIED, "ledger/legacy/export.py": "class Exporter:\n    pass\n"}
    text = "Wrong totals in reports\n`Exporter` drops the last row, and so does `build_report`."
    items = ranked(TreeMatcher(context(text, (), files), text), text, "")
    assert items[0].where_to_look[0] == "ledger/report.py:4"
    copy = next(h for h in items if h.where_to_look[0].startswith("ledger/legacy/"))
    assert "a copy kept beside the live code" in copy.evidence[1]


def test_a_name_the_issue_only_mentions_that_only_a_side_copy_defines_is_no_lead() -> None:
    files = {**COPIED, "ledger/legacy/export.py": "class Exporter:\n    pass\n"}
    text = "Support totals per currency\nOur rows come from an `Exporter` we wrote."
    items = ranked(TreeMatcher(context(text, (), files), text), text, "")
    assert not any("ledger/legacy/" in w for h in items for w in h.where_to_look)
