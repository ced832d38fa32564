"""A merged plan PR: a note on the issue that links the plan, and the `planned` label."""

from __future__ import annotations

from bot.markers import PLANNED_LABEL
from bot.run.turn import Turn

MERGED_NOTE = ("The plan for this issue was merged in #{pull}: [{plan_dir}]({url}). "
               "Its tasks are ready to be worked on.")


def note_merged(turn: Turn) -> str:
    plan_dir = turn.config.plan_dir(turn.issue_number)
    url = f"{turn.repo.html_url}/tree/{turn.repo.default_branch}/{plan_dir}"
    turn.gh.create_comment(turn.issue_number, MERGED_NOTE.format(
        pull=turn.request.pull_number, plan_dir=plan_dir, url=url))
    turn.gh.add_label(turn.issue_number, PLANNED_LABEL)
    return "merged"
