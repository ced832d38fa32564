"""What a run keeps in Redis, seen on the issue and at the edge: one refusal comment per
outsider an hour, and the repository's trigger label told to the web tier."""

from __future__ import annotations

import redis

from bot.run.plan_run import PlanRun
from bot.run.wiring import state_in
from bot.state import trigger_labels
from tests import helpers
from tests.fakes import FakePlanner

REPO = "octo/widgets"


def test_an_outsider_repeating_plan_gets_one_refusal_comment(redis_conn: redis.Redis) -> None:
    gh = helpers.repo()
    outsider = helpers.comment(("plan", ""), association="NONE")
    outcomes = [PlanRun(outsider, gh, helpers.helpers(gh, FakePlanner()),
                        state_in(redis_conn)).handle() for _ in range(3)]
    assert outcomes == ["refused"] + ["refused (already told this hour)"] * 2
    assert len(gh.comments[1]) == 1


def test_a_run_tells_the_web_tier_its_repositorys_trigger_labels(
        redis_conn: redis.Redis) -> None:
    gh = helpers.repo({".github/planbot.yml": "labels:\n  trigger: [Needs-Plan, plan-me]\n"})
    request = helpers.relabel(helpers.LABELED, "bug")  # queued: the edge did not know yet
    outcome = PlanRun(request, gh, helpers.helpers(gh, FakePlanner()),
                      state_in(redis_conn)).handle()
    assert outcome == "ignored: label 'bug' is not a trigger label"
    # From now on the edge answers "ignored" for another label without queueing a job.
    assert redis_conn.smembers(trigger_labels.KEY.format(repo=REPO)) == {b"needs-plan",
                                                                         b"plan-me"}


def test_an_older_configs_single_label_is_told_to_the_web_tier_too(
        redis_conn: redis.Redis) -> None:
    gh = helpers.repo({".github/planbot.yml": "label: Needs-Plan\n"})
    PlanRun(helpers.relabel(helpers.LABELED, "bug"), gh, helpers.helpers(gh, FakePlanner()),
            state_in(redis_conn)).handle()
    assert redis_conn.smembers(trigger_labels.KEY.format(repo=REPO)) == {b"needs-plan"}
