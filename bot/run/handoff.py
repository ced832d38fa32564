"""The hand-off in a run: the prompt from the documents as they stand, with the test
command the repository's files suggest, and the block at the end of tasks.md made again
whenever the plan changed (bot.documents.handoff renders both)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.documents.handoff import (
    block_inputs,
    handoff_block,
    handoff_inputs,
    handoff_prompt,
    with_handoff,
)
from bot.planners.layout import suite_commands
from bot.run.turn import Turn


def prompt_for(turn: Turn, documents: Mapping[str, str | None],
               paths: frozenset[str] | None = None) -> str:
    """`paths`: the repository's, when the run has them already (else one tree read)."""
    known = turn.helpers.repo_paths(turn.repo) if paths is None else paths
    url = f"{turn.repo.html_url}/issues/{turn.issue_number}" if turn.repo.html_url else ""
    return handoff_prompt(documents, suite_commands(known), turn.repo.full_name,
                          turn.issue_number, url)


def refreshed_tasks(turn: Turn, documents: Mapping[str, str | None],
                    paths: frozenset[str] | None = None) -> str | None:
    """tasks.md with its hand-off made again, or None when the one it has is current
    (that check costs nothing: the block records what it was made from)."""
    tasks = documents.get("tasks")
    inputs = handoff_inputs(documents)
    if not tasks or block_inputs(tasks) == inputs:
        return None
    return with_handoff(tasks, handoff_block(prompt_for(turn, documents, paths), inputs))
