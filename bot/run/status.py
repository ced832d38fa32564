"""What the status comment and the plan PR body say (pure): stage rows and tables."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.documents.provenance import State, provenance
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


def stage_rows(current: Mapping[str, State], documents: Mapping[str, str | None],
               link: Callable[[str], str], ran: Sequence[str] = ()) -> list[StageRow]:
    """One row per stage: "updated" when this run wrote it, else its state; `link`: where a
    person reads the stage's document."""
    return [row_for(stage, "updated" if stage in ran else st.value, documents[stage],
                    link(stage)) for stage, st in current.items()]


def table(rows: Sequence[StageRow]) -> str:
    lines = ["| Stage | State | Generator | Tokens |", "|---|---|---|---|"]
    for row in rows:
        name = FILENAMES[row.stage]
        cell = f"[`{name}`]({row.link})" if row.link.startswith("http") else f"`{name}`"
        lines.append(f"| {cell} | {row.state} | {row.generator or '—'} | {row.tokens or '—'} |")
    return "\n".join(lines)


HEADLINE = "**planbot** — "  # the status comment's second line, before its headline


def status_comment(headline: str, rows: Sequence[StageRow], footer: str = "") -> str:
    parts = [STATUS_MARKER, HEADLINE + headline]
    if rows:  # a run that failed before any stage has nothing to tabulate
        parts += ["", table(rows)]
    if footer:
        parts += ["", footer]
    return "\n".join(parts) + "\n"


def headline_of(comment: str | None) -> str | None:
    """The headline of a status comment as `status_comment` wrote it (an earlier run's);
    None when there is none."""
    lines = (comment or "").splitlines()
    if len(lines) > 1 and lines[1].startswith(HEADLINE):
        return lines[1].removeprefix(HEADLINE)
    return None


def failed_rows(rows: Sequence[StageRow]) -> list[StageRow]:
    """The rows of a run that failed: the stage that was running failed, and the stages it
    finished were not published (a run publishes all its documents or none)."""
    marks = {"running": "failed", "done": "done, not published"}
    return [StageRow(r.stage, marks.get(r.state, r.state), r.generator, r.tokens, r.link)
            for r in rows]


def status_reply(issue_number: int, rows: Sequence[StageRow], notes: Sequence[str] = ()) -> str:
    """`/plan status`: a heading, one line that sums the rows up, the table, the command to
    run next, and `notes` (what the repository's config should change, code changed since
    the plan)."""
    redo = [r for r in rows if r.state in ("missing", "stale")]
    kept = [r for r in rows if r.state == "edited by a person"]
    if len(redo) == len(rows):
        summary, then = "No plan yet.", "comment `/plan` to write all three documents."
    elif redo:
        summary = "Out of date: " + ", ".join(
            f"`{FILENAMES[r.stage]}` ({r.state})" for r in redo) + "."
        then = ("comment `/plan` to rerun the stale and missing stages (documents edited by "
                "a person are kept).")
    else:
        summary = "The plan is up to date."
        then = ("edit any document and comment `/plan`, or comment `/plan revise <feedback>` "
                "to regenerate the hypotheses and tasks.")
    if kept:
        names = ", ".join(f"`{FILENAMES[r.stage]}`" for r in kept)
        summary += f" Edited by a person: {names}."
    return "\n".join([f"### planbot: plan status for #{issue_number}", "", summary, "",
                      table(rows), "", f"Next: {then}", *(f"\n{note}" for note in notes)]) + "\n"


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
