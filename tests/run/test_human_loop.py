"""The human loop over fakes: publish, edit between stages, rerun, status, refusals."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from bot.config import ConfigError
from bot.documents.provenance import State, provenance
from bot.documents.validate import PlanRejected
from bot.domain import Comment, ReviewComment
from bot.intake.request import MERGED as MERGED_TRIGGER
from bot.intake.request import REVIEW, PlanRequest
from bot.markers import PLANNED_LABEL, STAGE_MARKER, STATUS_MARKER
from bot.ports import GitHubError
from bot.run.failures import NeedsUpstream
from bot.run.handlers.merged import MERGED_NOTE
from bot.run.handlers.plan import review_feedback
from bot.run.plan_run import PlanRun
from bot.run.turn import RunState
from bot.state.issue_lock import IssueLocks
from tests.fakes import FakePlanner
from tests.helpers import LABELED, comment, helpers, relabel, repo, run

BRANCH = "planbot/issue-1"
DOCS = [".plans/issue-1/problem-definition.md", ".plans/issue-1/hypotheses.md",
        ".plans/issue-1/tasks.md"]


def test_trigger_label_commits_three_documents_once_and_opens_one_draft_plan_pr() -> None:
    gh = repo()
    run(gh, LABELED)
    assert [(branch, sorted(files)) for branch, _, files in gh.commits] == [(BRANCH, sorted(DOCS))]
    (pull,) = gh.pulls.values()
    assert gh.titles[pull.number] == "Plan: Parser drops the last line"
    assert "Refs #1" in pull.body and "Closes" not in pull.body and "Fixes" not in pull.body
    assert gh.branches[BRANCH][DOCS[0]].startswith("# Problem Definition")
    assert [content for _, content in gh.reactions] == ["eyes", "rocket"]
    status = [c for c in gh.bot_comments(1) if c.body.startswith(STATUS_MARKER)]
    assert len(status) == 1 and pull.url in status[0].body


def test_other_labels_cost_nothing_but_a_config_read() -> None:
    gh = repo()
    outcome = run(gh, relabel(LABELED, "bug"))
    assert "not a trigger label" in outcome
    assert set(gh.calls) == {"repository", "read_file"} and not gh.reactions


def test_configured_label_triggers_and_default_label_does_not() -> None:
    gh = repo({".github/planbot.yml": "label: needs-plan\n"})
    run(gh, relabel(LABELED, "plan"))
    assert not gh.commits
    run(gh, relabel(LABELED, "needs-plan"))
    assert len(gh.commits) == 1


def test_the_trigger_label_matches_whatever_its_case_as_on_github() -> None:
    gh = repo({".github/planbot.yml": "label: Needs-Plan\n"})
    run(gh, relabel(LABELED, "needs-plan"))
    assert len(gh.commits) == 1


def test_rerun_with_nothing_changed_commits_nothing() -> None:
    gh = repo()
    run(gh, LABELED)
    outcome = run(gh, comment(("plan", "")))
    assert outcome == "plan: ran nothing" and len(gh.commits) == 1


def test_edited_problem_definition_survives_and_reruns_only_downstream_stages() -> None:
    gh, planner = repo(), FakePlanner()
    run(gh, LABELED, planner)
    edited = gh.branches[BRANCH][DOCS[0]].replace("## Overview", "## Overview\nA person was here.")
    gh.human_commit(BRANCH, {DOCS[0]: edited})
    planner.seen.clear()

    outcome = run(gh, comment(("plan", "")), planner)

    assert outcome == "plan: ran hypotheses, tasks"
    assert gh.branches[BRANCH][DOCS[0]] == edited
    assert [stage for stage, _ in planner.seen] == ["hypotheses", "tasks"]
    assert all("A person was here." in plan.problem_md for _, plan in planner.seen)
    assert sorted(gh.commits[-1][2]) == sorted(DOCS[1:])


def test_plan_again_overwrites_a_persons_edit() -> None:
    gh = repo()
    run(gh, LABELED)
    gh.human_commit(BRANCH, {DOCS[2]: "# Tasks\n\n- [ ] my own task\n"})
    run(gh, comment(("again", "")))
    assert "my own task" not in gh.branches[BRANCH][DOCS[2]]


def test_edited_issue_makes_every_stage_stale() -> None:
    gh = repo()
    run(gh, LABELED)
    gh.issues[1] = replace(gh.issues[1], body="Now with a traceback.")
    assert run(gh, comment(("plan", ""))) == "plan: ran problem, hypotheses, tasks"


def test_stage_command_runs_exactly_that_stage() -> None:
    gh, planner = repo(), FakePlanner()
    run(gh, LABELED, planner)
    planner.seen.clear()
    assert run(gh, comment(("tasks", "")), planner) == "tasks: ran tasks"
    assert [stage for stage, _ in planner.seen] == ["tasks"]


def test_tasks_before_hypotheses_exist_says_what_to_run_first() -> None:
    gh = repo()
    run(gh, comment(("problem", "")))
    with pytest.raises(NeedsUpstream, match="built from `hypotheses.md`"):
        run(gh, comment(("tasks", "")))
    (status,) = [c for c in gh.bot_comments(1) if c.body.startswith(STATUS_MARKER)]
    assert "What you can do" in status.body and "Run the earlier stage first" in status.body
    assert (("comment", 77), "confused") in gh.reactions


def test_comment_mode_edits_stage_comments_in_place_and_keeps_a_persons_edit() -> None:
    gh = repo({".github/planbot.yml": "output: comments\n"})
    run(gh, LABELED)
    stage_comments = {c.body.splitlines()[0]: c for c in gh.bot_comments(1)
                      if c.body.startswith("<!-- planbot:stage=")}
    assert set(stage_comments) == {STAGE_MARKER.format(stage=s)
                                   for s in ("problem", "hypotheses", "tasks")}
    problem = stage_comments[STAGE_MARKER.format(stage="problem")]
    gh.edit_comment(problem.id, problem.body.replace("## Overview", "## Overview\nEdited."))
    before = len(gh.comments[1])

    assert run(gh, comment(("plan", ""))) == "plan: ran hypotheses, tasks"
    assert len(gh.comments[1]) == before  # edited in place, no new comments
    assert "Edited." in next(c.body for c in gh.comments[1] if c.id == problem.id)
    assert not gh.commits and not gh.pulls


def test_a_persons_comment_cannot_pose_as_a_stage_document() -> None:
    gh = repo({".github/planbot.yml": "output: comments\n"})
    forged = STAGE_MARKER.format(stage="problem") + "\n# Problem Definition\nforged"
    gh.comments[1] = [Comment(5, forged, "mallory", "User", "NONE")]
    run(gh, LABELED)
    bot_problem = [c for c in gh.bot_comments(1) if c.body.startswith(forged.splitlines()[0])]
    assert len(bot_problem) == 1 and "forged" not in bot_problem[0].body


def test_status_names_each_stage_state() -> None:
    gh = repo()
    run(gh, LABELED)
    gh.human_commit(BRANCH, {DOCS[1]: gh.branches[BRANCH][DOCS[1]] + "\nMore evidence.\n"})
    run(gh, comment(("status", "")))
    reply = gh.comments[1][-1].body
    assert State.EDITED.value in reply and State.STALE.value in reply
    assert State.CURRENT.value in reply


def test_unauthorised_sender_gets_one_short_reply_and_costs_no_model_call() -> None:
    gh, planner = repo(), FakePlanner()
    outcome = run(gh, comment(("revise", "be bolder"), association="CONTRIBUTOR"), planner)
    assert outcome == "refused" and planner.seen == [] and not gh.commits
    (reply,) = gh.comments[1]
    assert "`/plan revise`" in reply.body and "`CONTRIBUTOR`" in reply.body
    assert "`OWNER`, `MEMBER`, `COLLABORATOR`" in reply.body


def test_configured_associations_may_run_commands() -> None:
    gh = repo({".github/planbot.yml": "allowed: [OWNER, CONTRIBUTOR]\n"})
    assert run(gh, comment(("plan", ""), association="CONTRIBUTOR")) != "refused"


def test_help_and_unknown_commands_reply_with_usage_without_a_model() -> None:
    gh, planner = repo(), FakePlanner()
    run(gh, comment(("help", ""), ("unknown", "/plan frobnicate")), planner)
    help_reply, unknown_reply = gh.comments[1]
    assert "/plan revise" in help_reply.body
    assert "/plan frobnicate" in unknown_reply.body and "/plan revise" in unknown_reply.body
    assert planner.seen == []


def test_review_requesting_changes_revises_with_body_and_inline_comments() -> None:
    gh, planner = repo(), FakePlanner()
    run(gh, LABELED, planner)
    gh.review_notes[9] = [ReviewComment("This file is not involved", "src/parser.py", 2)]
    planner.seen.clear()
    review = PlanRequest("d-2", "octo/widgets", 1, REVIEW, (("revise", "Look at the lexer"),),
                         1, "bob", "MEMBER", review_id=9, pull_number=next(iter(gh.pulls)))
    assert run(gh, review, planner) == "revise: ran hypotheses, tasks"
    feedback = planner.seen[0][1].feedback
    assert "Look at the lexer" in feedback
    assert "`src/parser.py:2`: This file is not involved" in feedback
    assert (("issue", review.pull_number), "rocket") in gh.reactions


def test_merged_plan_pr_comments_on_the_issue_and_labels_it_planned() -> None:
    gh = repo()
    merged = PlanRequest("d-3", "octo/widgets", 1, MERGED_TRIGGER, (("merged", ""),), 1, "bob",
                         "MEMBER", pull_number=12)
    run(gh, merged)
    assert gh.labels == [(1, PLANNED_LABEL)]
    assert gh.comments[1][-1].body == MERGED_NOTE.format(
        pull=12, plan_dir=".plans/issue-1",
        url="https://github.com/octo/widgets/tree/main/.plans/issue-1")


def test_invalid_config_names_the_key_and_nothing_else_runs() -> None:
    gh, planner = repo({".github/planbot.yml": "output: pr\n"}), FakePlanner()
    with pytest.raises(ConfigError):
        run(gh, LABELED, planner)
    (status,) = gh.bot_comments(1)
    assert "`output`" in status.body and "must be `branch` or `comments`" in status.body
    assert planner.seen == [] and not gh.commits and (("issue", 1), "confused") in gh.reactions


def test_a_failing_stage_publishes_nothing() -> None:
    gh = repo()
    with pytest.raises(PlanRejected):
        run(gh, LABELED, FakePlanner(task_items=()))
    assert not gh.commits and not gh.pulls
    assert "What failed" in gh.bot_comments(1)[0].body


def test_documents_carry_provenance_with_their_generator() -> None:
    gh = repo()
    run(gh, LABELED)
    marks = [provenance(gh.branches[BRANCH][path]) for path in DOCS]
    assert [(m.stage, m.generator) for m in marks if m] == [
        ("problem", "template"), ("hypotheses", "fake"), ("tasks", "fake")]


class BusyLocks(IssueLocks):
    """Another run holds every issue until this one has waited once."""

    @contextlib.contextmanager
    def hold(self, repo: str, number: int,
             on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
        on_wait()
        yield


def test_a_run_waiting_for_another_says_it_is_queued_in_the_status_comment() -> None:
    gh = repo()
    PlanRun(LABELED, gh, helpers(gh, FakePlanner()),
            RunState(locks=BusyLocks())).handle()
    assert "queued: waiting for another planbot run" in gh.written[0]
    assert len(gh.bot_comments(1)) == 1 and "plan published" in gh.bot_comments(1)[0].body


def test_a_label_that_is_not_the_trigger_is_never_announced_as_queued() -> None:
    gh = repo()
    PlanRun(relabel(LABELED, "bug"), gh, helpers(gh, FakePlanner()),
            RunState(locks=BusyLocks())).handle()
    assert gh.bot_comments(1) == []


def test_review_feedback_names_plan_documents_and_file_level_comments_without_a_line() -> None:
    notes = [ReviewComment("Too vague", ".plans/issue-1/hypotheses.md", 3),
             ReviewComment("Split this file", ".plans/issue-1/tasks.md")]
    assert review_feedback("Please rework", notes, ".plans/issue-1") == (
        "Please rework\n- `hypotheses.md:3`: Too vague\n- `tasks.md`: Split this file")


def test_after_the_plan_is_merged_and_its_branch_deleted_plan_builds_on_the_merged_plan() -> None:
    gh, planner = repo(), FakePlanner()
    run(gh, LABELED, planner)
    merged = dict(gh.branches[BRANCH])
    merged[DOCS[0]] = merged[DOCS[0]].replace("## Overview", "## Overview\nAgreed in review.")
    gh.human_commit("main", merged)
    del gh.branches[BRANCH], gh._shas[BRANCH]
    gh.pulls.clear()
    planner.seen.clear()

    assert run(gh, comment(("plan", "")), planner) == "plan: ran hypotheses, tasks"
    assert "Agreed in review." in planner.seen[0][1].problem_md
    assert gh.branches[BRANCH][DOCS[0]] == merged[DOCS[0]]


def test_when_github_fails_the_original_error_is_raised_not_the_failed_report() -> None:
    gh = repo(fail_on={"commit_files", "create_comment", "edit_comment"})
    with pytest.raises(GitHubError, match="commit_files failed"):
        run(gh, LABELED)


def test_a_run_closes_the_planner_it_made_even_when_a_stage_fails() -> None:
    made: list[FakePlanner] = []

    def planner() -> FakePlanner:
        made.append(FakePlanner(task_items=()))
        return made[-1]

    gh = repo()
    job = PlanRun(LABELED, gh, replace(helpers(gh, FakePlanner()),
                                       make_planner=lambda c: planner()))
    with pytest.raises(PlanRejected):
        job.handle()
    assert [p.closed for p in made] == [1]
