"""Each rule that ranks offline hypotheses, on a small invented repository: what the issue is
about outranks what its code happens to name, evidence outranks a search match, and a search
match is said to be one."""

from __future__ import annotations

import re

from bot.context.sites import find_sites
from bot.context.tested import modules_testing
from bot.documents.kind import BUG, PERFORMANCE
from bot.documents.validate import Grounding
from bot.domain import Findings, Hypothesis, RepoContext, Snippet
from bot.planners.evidence import TreeMatcher
from bot.planners.framing import is_located
from bot.planners.hypotheses import ranked

FILES = {
    "ledger/__init__.py": "",
    "ledger/money.py": (
        "import re\n\nPATTERN = re.compile(r'^(\\s*<)+$')\nDEFAULT_CURRENCY = 'EUR'\n\n\n"
        "class MoneyField:\n    def parse(self, text):\n        return PATTERN.match(text)\n"),
    "ledger/checks.py": (
        "def require_same_length(a, b):\n    if len(a) != len(b):\n"
        "        raise ValueError(f'rows and totals differ: {len(a)} against {len(b)}')\n"),
    "ledger/report.py": (
        "from ledger.checks import require_same_length\n\n\n"
        "def build_report(rows, totals):\n    require_same_length(rows, totals[1:])\n"
        "    return list(zip(rows, totals))\n"),
    "ledger/console.py": "from ledger.report import build_report\n\n\ndef start_console():\n"
                         "    return build_report([], [])\n",
    "ledger/samples.py": "def load_sample():\n    return [1, 2, 3]\n",
    "ledger/amounts.py": (
        "def parse_amount(text):\n    if not text.isdigit():\n"
        "        raise ValueError(f'not an amount: {text!r}')\n    return int(text)\n"),
    "ledger/export.py": ("def export_rows(rows, flag):\n    if rows.flag and rows.columns_ready:\n"
                         "        return rows\n"),
    "ledger/variables.py": "class Var:\n    @property\n    def flag(self):\n        return 1\n",
    "tests/test_report.py": "from ledger.report import build_report\n",
    "tests/test_checks_misc.py": "from ledger.checks import require_same_length\n",
    "CHANGES.md": "# Changes\n",
}
DEFINES = re.compile(r"^\s*(?:def|class)\s+(\w+)")


def context(text: str, order: tuple[str, ...] = (),
            files: dict[str, str] = FILES) -> RepoContext:
    """The context as the search builds it, with `order` as the search's ranking."""
    ranked_paths = order or tuple(p for p in files if p.endswith(".py") and "tests" not in p)
    snippets = tuple(Snippet(p, 1, files[p].count("\n") or 1, files[p]) for p in ranked_paths
                     if files[p])
    definitions = tuple((m[1], path, n) for path, source in files.items()
                        for n, line in enumerate(source.splitlines(), 1)
                        if (m := DEFINES.match(line)))
    findings = Findings(reasons=tuple((p, ("content",)) for p in ranked_paths),
                        sites=find_sites(files, text), definitions=definitions,
                        tests=modules_testing(ranked_paths, files, files))
    return RepoContext("abc1234", frozenset(files), snippets=snippets, languages=("Python",),
                       findings=findings)


def plan(text: str, kind: str = BUG, order: tuple[str, ...] = ()) -> list[Hypothesis]:
    return ranked(TreeMatcher(context(text, order)), text, "", kind)


def first_file(items: list[Hypothesis]) -> str:
    return items[0].where_to_look[0].split(":")[0]


def test_a_name_the_title_uses_outranks_a_helper_the_reproduction_calls() -> None:
    text = ("`build_report` drops the last row\n```python\nrows = load_sample()\n"
            "build_report(rows, [0, 1, 2, 3])\n```")
    items = plan(text)
    assert first_file(items) == "ledger/report.py"
    assert not any("samples.py" in w for h in items if is_located(h.title)
                   for w in h.where_to_look)


def test_a_name_only_pasted_code_uses_counts_when_the_title_says_what_it_is() -> None:
    text = "Money parsing is slow on long input\n```python\nMoneyField().parse('<' * 5000)\n```"
    items = plan(text, PERFORMANCE, order=("ledger/samples.py", "ledger/money.py"))
    assert first_file(items) == "ledger/money.py"


def test_a_member_of_another_projects_package_is_no_lead() -> None:
    text = ("Report of xr.parse() is wrong\n```python\nimport xarray as xr\nxr.parse(d)\n```")
    assert not any("`parse`" in h.title for h in plan(text))


def test_a_name_inside_the_reported_error_is_what_is_missing_not_where() -> None:
    text = ("export_rows AttributeError: 'Row' object has no attribute 'flag'\n"
            "Calling `export_rows` on plain rows fails.")
    items = plan(text)
    assert first_file(items) == "ledger/export.py"
    assert not any("variables.py" in w for h in items for w in h.where_to_look)


def test_error_text_found_in_the_tree_is_where_to_look_first() -> None:
    items = plan("Totals fail\n\nValueError: rows and totals differ: 3 against 4")
    assert items[0].title == "`ledger/checks.py:3` emits the message the issue reports"
    assert items[0].likelihood == "Most likely"


TRACE = ('Report fails\n```\nTraceback (most recent call last):\n'
         '  File "/venv/lib/python3.12/site-packages/ledger/console.py", line 5, in '
         'start_console\n'
         '    return build_report([], [])\n'
         '  File "/venv/lib/python3.12/site-packages/ledger/report.py", line 5, in build_report\n'
         '    require_same_length(rows, totals[1:])\n'
         '  File "/venv/lib/python3.12/site-packages/ledger/checks.py", line 3, in '
         'require_same_length\n'
         "    raise ValueError(f'rows and totals differ: {len(a)} against {len(b)}')\n"
         "ValueError: rows and totals differ: 3 against 2\n```")


def test_installed_package_frames_are_the_repositorys_own_files() -> None:
    cited = [w for h in plan(TRACE) for w in h.where_to_look]
    assert "ledger/report.py:5" in cited and "ledger/checks.py:3" in cited


def test_the_caller_of_a_check_that_raises_on_purpose_comes_first() -> None:
    items = plan(TRACE)
    assert items[0].title.startswith("The caller `ledger/report.py:5` (`build_report`)")
    assert items[1].title.startswith("The check at `ledger/checks.py:3`")


def test_a_check_that_rejects_the_reporters_own_value_stays_first() -> None:
    text = ("Import fails on '-5'\n\nSteps: import a row with amount '-5'.\n```\n"
            'Traceback (most recent call last):\n  File "/app/ledger/amounts.py", line 3, in '
            "parse_amount\n    raise ValueError(f'not an amount: {text!r}')\n"
            "ValueError: not an amount: '-5'\n```")
    first = plan(text)[0]
    assert first.title.startswith("The check at `ledger/amounts.py:3`")
    assert "rejects the issue's own input `-5`" in first.title


def test_a_frame_whose_function_the_title_names_outranks_the_innermost_frame() -> None:
    text = TRACE.replace("Report fails", "`start_console` fails on an empty ledger")
    assert first_file(plan(text)) == "ledger/console.py"


def test_the_file_a_title_component_names_outranks_a_generic_raise() -> None:
    text = TRACE.replace("Report fails", "[console] Report fails")
    assert first_file(plan(text)) == "ledger/console.py"


def test_a_quoted_value_is_found_where_it_is_defined() -> None:
    first = plan("Amounts default to the wrong currency\nEverything is booked in `'EUR'`.")[0]
    assert first.where_to_look[0] == "ledger/money.py:4"
    assert first.title == "`ledger/money.py:4` sets the value the issue quotes"


def test_a_line_the_output_marks_is_found_where_the_tree_has_it() -> None:
    text = ("Export breaks on plain rows\n```\n----> 2     if rows.flag and rows.columns_ready:\n\n"
            "AttributeError: 'list' object has no attribute 'flag'\n```")
    assert plan(text)[0].where_to_look[0] == "ledger/export.py:2"


def test_an_error_class_named_by_pasted_code_is_no_reported_error() -> None:
    text = ("Validation is slow\n```python\ntry:\n    parse_amount(x)\n"
            "except ValueError:\n    pass\n```")
    assert not any("raises the bare" in h.title for h in plan(text, PERFORMANCE))


def test_search_matches_are_places_to_read_first_never_most_likely() -> None:
    items = plan("Everything feels off lately")
    assert [h.likelihood for h in items] == ["Possible"] * 3
    assert all(h.title.startswith("Read first: ") for h in items)
    assert "the files most relevant to the issue" in items[0].evidence[0]


def test_too_little_to_localise_only_when_there_is_nothing_to_read() -> None:
    empty = RepoContext("abc1234", frozenset(FILES), languages=("Python",))
    items = ranked(TreeMatcher(empty), "Everything feels off lately", "", BUG)
    assert [h.title for h in items] == ["The issue gives too little to localise the problem"]
    assert items[0].likelihood == "Possible"


def test_a_quote_keeps_the_reporters_path_and_adds_the_trees() -> None:
    line = "See /venv/lib/python3.12/site-packages/ledger/report.py for the loop"
    quoted = TreeMatcher(context(line)).quoted(line)
    assert quoted.startswith("“See /venv/lib/python3.12/site-packages/ledger/report.py for")
    assert quoted.endswith("(in the tree: `ledger/report.py`)")
    ground = Grounding(context(line))
    assert ground.text(quoted) == quoted and not ground.missing


def test_a_name_two_files_define_is_settled_by_the_search_ranking() -> None:
    text = "Make `MoneyField` accept a currency"
    found = context(text, ("ledger/money.py", "ledger/samples.py", "ledger/checks.py"))
    twice = Findings(reasons=found.findings.reasons, definitions=(
        ("MoneyField", "ledger/money.py", 7), ("MoneyField", "ledger/report.py", 1)))
    settled = RepoContext(found.commit_sha, found.paths, snippets=found.snippets,
                          languages=("Python",), findings=twice)
    first = ranked(TreeMatcher(settled), text, "", BUG)[0]
    assert first.where_to_look[0] == "ledger/money.py:7" and first.likelihood == "Most likely"


def test_an_issue_forms_checkboxes_name_no_code() -> None:
    text = ("Support a currency per row\n### Affected components\n\n"
            "- [ ] [Data export](https://example.org/docs/export) - `build_report()`\n"
            "- [X] [Parsing](https://example.org/docs/parse)\n"
            "- [ ] If using the API, call `build_report` with `verbose=True`\n")
    assert not any("build_report" in h.title for h in plan(text))


LINKED = "https://github.com/o/ledger/blob/0a1b2c3/ledger/report.py#L5"
FAILS = ('```\nTraceback (most recent call last):\n  File "/app/ledger/export.py", line 2, in '
         "export_rows\n    if rows.flag and rows.columns_ready:\n"
         "AttributeError: 'list' object has no attribute 'flag'\n```\n")


def test_a_line_the_issue_links_outranks_the_traceback_and_a_name_the_title_blames() -> None:
    items = plan(f"`MoneyField` bug\n{FAILS}Totals come out short, see {LINKED}")
    assert [h.where_to_look[0] for h in items[:3]] == [
        "ledger/report.py:5", "ledger/export.py:2", "ledger/money.py:7"]


def test_a_line_the_issue_links_is_second_at_worst() -> None:
    items = plan(f"ledger/money.py bug\n{FAILS}See {LINKED}")
    assert first_file(items) == "ledger/money.py"
    assert items[1].where_to_look[0] == "ledger/report.py:5"


def test_a_name_only_the_reporters_own_code_uses_and_defines_is_theirs() -> None:
    text = ("Report memory keeps growing\n```python\ndef build_report(rows):\n"
            "    return MoneyField().parse(rows)\n```")
    assert not any("`build_report`" in h.title for h in plan(text))


def test_a_function_the_reporter_proposes_to_rewrite_is_still_the_projects() -> None:
    text = ("Report building is slow\nEvery call to `build_report` zips the rows again.\n"
            "```python\ndef build_report(rows, totals):\n    return rows\n```")
    assert first_file(plan(text, PERFORMANCE)) == "ledger/report.py"
