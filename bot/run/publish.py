"""Publishing what a run built: its documents in one go, the plan PR, and the status
comment that links them; nothing at all when there is nothing new to say."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.documents.provenance import State
from bot.run.handoff import refreshed_tasks
from bot.run.pipeline import Inputs, Outcome, states
from bot.run.report import PUBLISHED
from bot.run.status import pull_body, stage_rows
from bot.run.stores import PlanStore
from bot.run.turn import Turn


def publish(turn: Turn, inputs: Inputs, store: PlanStore, outcome: Outcome,
            command: str) -> None:
    tasks = refreshed_tasks(turn, outcome.documents, outcome.paths)
    if tasks is not None:
        outcome.documents["tasks"] = tasks
        if "tasks" not in outcome.ran:
            outcome.refreshed.append("tasks")  # a person's edit elsewhere: the hand-off only
    if outcome.changed:
        done = ", ".join(outcome.ran + [f"the hand-off in {s}" for s in outcome.refreshed])
        store.save(outcome.changed, f"planbot: {done} for #{turn.issue_number} ({command})")
    current = states(replace(inputs, documents=outcome.documents))
    notes = list(filter(None, [*turn.notes, turn.drift(outcome.documents, outcome.ran)]))
    if (not outcome.changed and all(st is State.CURRENT for st in current.values())
            and turn.report.headline() == PUBLISHED and turn.report.says(notes)):
        return  # the status comment and the PR already say all there is: no writes
    rows = stage_rows(current, outcome.documents, store.link, outcome.ran)
    review = ""
    if any(outcome.documents.values()):
        review = store.open_review(f"Plan: {inputs.issue.title}",
                                   pull_body(turn.issue_number, rows))
    turn.report.published(rows, "\n\n".join(filter(None, [review, _kept(current), *notes])))


def _kept(current: Mapping[str, State]) -> str:
    kept = [stage for stage, st in current.items() if st is State.EDITED]
    if not kept:
        return ""
    return ("Kept as edited by a person: " + ", ".join(f"`{s}`" for s in kept)
            + " (`/plan again` regenerates everything).")
