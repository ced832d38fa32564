"""What the status comment and the plan PR body say (pure): stage rows and tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.documents.provenance import provenance
from bot.domain import FILENAMES
from bot.markers import STATUS_MARKER, plan_pr_marker


@dataclass(frozen=True)
class StageRow:
    stage: str
    state: str  # a document state ("current", "stale"...) or progress ("running", "failed")
    generator: str = ""
    tokens: str = ""
    link: str = ""


def row_for(stage: str, state: str, document: str | None, link: str) -> StageRow:
    """A status row, with generator and tokens read from the document's provenance."""
    mark = provenance(document) if document else None
    tokens = ""
    if mark and mark.token_total:
        tokens = f"{mark.token_total:,}" + (f" (${mark.cost})" if mark.cost else "")
    return StageRow(stage, state, mark.generator if mark else "", tokens, link if document else "")


def table(rows: Sequence[StageRow]) -> str:
    lines = ["| Stage | State | Generator | Tokens |", "|---|---|---|---|"]
    for row in rows:
        name = FILENAMES[row.stage]
        cell = f"[`{name}`]({row.link})" if row.link.startswith("http") else f"`{name}`"
        lines.append(f"| {cell} | {row.state} | {row.generator or '—'} | {row.tokens or '—'} |")
    return "\n".join(lines)


def status_comment(headline: str, rows: Sequence[StageRow], footer: str = "") -> str:
    parts = [STATUS_MARKER, f"**planbot** — {headline}", "", table(rows)]
    if footer:
        parts += ["", footer]
    return "\n".join(parts) + "\n"


def pull_body(issue_number: int, rows: Sequence[StageRow]) -> str:
    # "Refs", never a closing keyword: merging a plan must not close the issue.
    return "\n".join([
        plan_pr_marker(issue_number),
        f"Plan for the issue. Refs #{issue_number}",
        "",
        table(rows),
        "",
        "Edit any document on this branch, then comment `/plan` to rerun what is stale "
        "(edited documents are kept). Request changes in a review, or comment "
        "`/plan revise <feedback>`, to regenerate the hypotheses and tasks. "
        "`/plan help` lists every command.",
    ]) + "\n"
