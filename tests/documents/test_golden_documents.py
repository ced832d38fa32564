"""The three documents for one issue of each kind, word for word: a change to what a plan
says shows up here for review. After a deliberate change, rewrite them with
`PLANBOT_UPDATE_GOLDEN=1 pytest tests/documents/test_golden_documents.py` and read the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.documents.kind import BUG, DOCS, FEATURE, PERFORMANCE, QUESTION, SECURITY
from bot.domain import FILENAMES, Comment, Issue
from bot.planners.offline import OfflinePlanner
from bot.run.pipeline import Inputs, Stages, run
from tests.documents.golden_repo import context

GOLDEN = Path(__file__).parent / "golden"
URL = "https://github.com/octo/invoicer/issues/{}"

TRACEBACK = """\
```
Traceback (most recent call last):
  File "/home/ana/.local/bin/invoicer", line 8, in <module>
    sys.exit(main())
  File "/home/ana/.local/lib/python3.12/site-packages/invoicer/cli.py", line 12, in main
    export_csv(csv.DictReader(rows), target)
  File "/home/ana/.local/lib/python3.12/site-packages/invoicer/export.py", line 13, in export_csv
    writer.writerow([row['item'], parse_amount(row['amount'])])
  File "/home/ana/.local/lib/python3.12/site-packages/invoicer/parse.py", line 10, in parse_amount
    raise ValueError(f'amount must be a number: {text!r}')
ValueError: amount must be a number: '-12.50'
```"""
ISSUES: dict[str, tuple[Issue, list[Comment]]] = {
    BUG: (Issue(41, "Export crashes on a negative amount", (
        "Exporting an invoice with a credit line (a negative amount) crashes.\n\n"
        "### Steps to reproduce\n\n1. Put a row with amount `-12.50` in `rows.csv`\n"
        "2. Run `invoicer export rows.csv out.csv`\n\n"
        "### Expected behaviour\n\nThe credit is exported as `-12.50`.\n\n"
        f"### Actual behaviour\n\n{TRACEBACK}\n\n"
        "### Environment\n\ninvoicer 2.3.0, Python 3.12, Ubuntu 24.04\n"),
        "ana", URL.format(41), ("bug",)), [Comment(1, "Same with `-0.01`.", "li")]),
    FEATURE: (Issue(42, "Add a currency column to `export_csv`", (
        "We send invoices in EUR and USD, and the CSV has no currency, so our accounting "
        "import has to guess. `export_csv` could take a currency and write it as a third "
        "column, for example:\n\n```python\nexport_csv(rows, 'out.csv', currency='EUR')\n```\n\n"
        "Today we post-process every file with a script.\n"), "ben", URL.format(42)), []),
    PERFORMANCE: (Issue(43, "`total()` is slow for large invoices", (
        "Totalling an invoice with 50,000 lines takes 14 s, while 2,000 lines take 0.05 s: "
        "the time grows much faster than the number of lines.\n\n"
        "```python\nfrom invoicer.totals import total\ntotal(lines)  # 50,000 lines\n```\n\n"
        "invoicer 2.3.0, Python 3.12\n"), "cy", URL.format(43)), []),
    SECURITY: (Issue(46, "CSV injection in `export_csv`", (
        "An item named `=HYPERLINK(\"http://evil.example\",\"Pay\")` is written to the CSV as "
        "it is, and a spreadsheet opening the export runs it as a formula: an attacker who can "
        "name an item makes the accountant's spreadsheet fetch their URL.\n\n"
        "invoicer 2.3.0\n"), "fay", URL.format(46)), []),
    QUESTION: (Issue(44, "How do I round totals to 5 cents?", (
        "Swiss invoices are rounded to 0.05. I tried `total(lines, rounding=Decimal('0.05'))` "
        "and got `TypeError: total() got an unexpected keyword argument 'rounding'`.\n\n"
        "Is there a supported way, or should I round the result myself? (invoicer 2.3.0)\n"),
        "dee", URL.format(44)), []),
    DOCS: (Issue(45, "The usage page still shows `export()`", (
        "`docs/usage.rst` imports `export` from `invoicer.export`, which 2.3.0 renamed to "
        "`export_csv`, so the example no longer runs. It should show "
        "`export_csv(rows, 'out.csv')`.\n"), "eve", URL.format(45), ("docs",)), []),
}
NAMES = {BUG: "bug", FEATURE: "feature", PERFORMANCE: "performance", SECURITY: "security",
         QUESTION: "question", DOCS: "docs"}


def documents(kind: str) -> dict[str, str]:
    issue, comments = ISSUES[kind]
    stages = Stages(OfflinePlanner, context)
    empty: dict[str, str | None] = {stage: None for stage in FILENAMES}
    outcome = run(Inputs("octo/invoicer", issue, comments, empty), stages, tuple(FILENAMES))
    return {FILENAMES[stage]: text or "" for stage, text in outcome.documents.items()}


@pytest.mark.parametrize("kind", list(ISSUES), ids=list(NAMES.values()))
def test_the_documents_for_each_kind_of_issue_are_as_reviewed(kind: str) -> None:
    folder = GOLDEN / NAMES[kind]
    made = documents(kind)
    if os.environ.get("PLANBOT_UPDATE_GOLDEN"):
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in made.items():
            (folder / name).write_text(text)
    for name, text in made.items():
        assert text == (folder / name).read_text(), f"{folder / name} changed: review the diff"


@pytest.mark.parametrize("kind", list(ISSUES), ids=list(NAMES.values()))
def test_each_golden_issue_reads_as_its_kind(kind: str) -> None:
    assert f"- Kind: **{kind}**" in documents(kind)["problem-definition.md"]
