"""A small realistic repository for the golden documents: an invoicing library and its CLI."""

from __future__ import annotations

from bot.context.issue import issue_text
from bot.context.sites import find_sites
from bot.context.snapshot import Snapshot
from bot.context.tested import modules_testing
from bot.domain import Findings, RepoContext, Snippet, TreeEntry

COMMIT = "3f9a2c41d0b7e65f8a1c2d3e4f5a6b7c8d9e0f1a"
FILES: dict[str, str] = {
    "pyproject.toml": '[project]\nname = "invoicer"\nversion = "2.3.0"\n',
    "README.md": "# invoicer\n\nTotals and CSV exports for invoices.\n",
    "CHANGES.md": "# Changes\n\n## Unreleased\n\n## 2.3.0 (2024-05-02)\n\n- CSV export.\n",
    ".github/workflows/ci.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    ".github/ISSUE_TEMPLATE/bug_report.md": "**Describe the bug**\n\n**To Reproduce**\n",
    "docs/conf.py": 'project = "invoicer"\n',
    "docs/usage.rst": (
        "Usage\n=====\n\nExport an invoice to CSV::\n\n"
        "    from invoicer.export import export\n    export(invoice, 'out.csv')\n"),
    "invoicer/__init__.py": '"""Totals and CSV exports for invoices."""\n',
    "invoicer/parse.py": (
        '"""Amounts as people type them."""\n\nfrom decimal import Decimal, InvalidOperation\n\n\n'
        "def parse_amount(text):\n"
        '    """`12.50` or `1,250.00` as a Decimal."""\n'
        "    cleaned = text.replace(',', '').strip()\n"
        "    if not cleaned.replace('.', '', 1).isdigit():\n"
        "        raise ValueError(f'amount must be a number: {text!r}')\n"
        "    return Decimal(cleaned)\n"),
    "invoicer/totals.py": (
        '"""Invoice totals."""\n\nfrom decimal import ROUND_HALF_UP, Decimal\n\n\n'
        "def total(lines):\n"
        '    """The sum of the lines, rounded to cents."""\n'
        "    amount = Decimal(0)\n"
        "    for line in lines:\n"
        "        amount = sum([amount, line.price * line.quantity])\n"
        "        amount = amount.quantize(Decimal('0.01'), ROUND_HALF_UP)\n"
        "    return amount\n"),
    "invoicer/export.py": (
        '"""CSV export."""\n\nimport csv\n\nfrom invoicer.parse import parse_amount\n\n\n'
        "def export_csv(rows, path):\n"
        '    """Write one CSV line per invoice row."""\n'
        "    with open(path, 'w', newline='') as out:\n"
        "        writer = csv.writer(out)\n"
        "        for row in rows:\n"
        "            writer.writerow([row['item'], parse_amount(row['amount'])])\n"),
    "invoicer/cli.py": (
        '"""`invoicer export rows.csv out.csv`."""\n\nimport csv\nimport sys\n\n'
        "from invoicer.export import export_csv\n\n\n"
        "def main(argv=None):\n"
        "    source, target = (argv or sys.argv[1:])[:2]\n"
        "    with open(source) as rows:\n"
        "        export_csv(csv.DictReader(rows), target)\n"),
    "tests/test_parse.py": (
        "from invoicer.parse import parse_amount\n\n\n"
        "def test_thousands():\n    assert str(parse_amount('1,250.00')) == '1250.00'\n"),
    "tests/test_totals.py": "from invoicer.totals import total\n",
}
ENTRIES = tuple(TreeEntry(path, len(text)) for path, text in sorted(FILES.items()))
# What the repository search would hand the planner: whole small files, most relevant first
# for every issue alike, so that these documents show wording, not ranking.
_ORDER = ("invoicer/export.py", "invoicer/parse.py", "invoicer/totals.py", "invoicer/cli.py",
          "docs/usage.rst", "tests/test_parse.py", ".github/ISSUE_TEMPLATE/bug_report.md")


def context(text: str = "") -> RepoContext:
    """The context for the issue in `text` (a problem definition): the same excerpts for
    every issue, and what the search finds for this one (the lines holding its quoted
    text, the tests of each file)."""
    snippets = tuple(
        Snippet(path, 1, FILES[path].count("\n"), FILES[path], float(len(_ORDER) - rank))
        for rank, path in enumerate(_ORDER))
    findings = Findings(sites=find_sites(FILES, issue_text(text)),
                        tests=modules_testing(_ORDER, FILES, FILES))
    return RepoContext(COMMIT, frozenset(FILES), snippets=snippets, languages=("Python",),
                       findings=findings, source=Snapshot(COMMIT, ENTRIES, FILES))
