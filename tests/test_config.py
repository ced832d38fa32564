"""`.github/planbot.yml`: every key validated, every error naming its key, no bombs."""

from __future__ import annotations

import pytest

from bot.config import (
    MAX_BYTES,
    Budget,
    ConfigError,
    ContextBudget,
    Labels,
    RepoConfig,
    Research,
    parse,
)


def test_an_absent_or_empty_file_means_every_default() -> None:
    assert parse(None) == parse("") == parse("# nothing yet\n") == RepoConfig()


def test_every_key_is_read() -> None:
    config = parse(
        "labels:\n  trigger: [needs-plan, plan-me]\n  skip: [wontfix]\noutput: comments\n"
        "plans_dir: docs/plans\nbranch_prefix: plans/\n"
        "stages: [problem]\nmodel: claude-x\nallowed: [owner, member]\n"
        "context:\n  max_files: 5\n  plan_tokens: 1000\nbudget:\n  monthly_usd: 12.5\n")
    assert config == RepoConfig(
        labels=Labels(("needs-plan", "plan-me"), ("wontfix",)), output="comments",
        plans_dir="docs/plans", branch_prefix="plans/",
        stages=("problem",), model="claude-x", allowed=("OWNER", "MEMBER"),
        context=ContextBudget(max_files=5, plan_tokens=1000), budget=Budget(12.5))


def test_one_label_may_be_written_without_a_list() -> None:
    assert parse("labels:\n  trigger: needs-plan\n  skip: duplicate\n").labels == Labels(
        ("needs-plan",), ("duplicate",))
    assert parse(None).labels == Labels(("plan",), ())


def test_the_older_label_key_still_works_for_one_release_with_a_deprecation_note() -> None:
    config = parse("label: needs-plan\n")
    assert config.labels == Labels(("needs-plan",))
    (note,) = config.warnings
    assert "`label`" in note and "deprecated" in note and "trigger: [needs-plan]" in note
    assert parse("labels:\n  trigger: [plan]\n").warnings == ()


def test_labels_compare_as_github_does_whatever_their_case() -> None:
    labels = parse("labels:\n  trigger: [Needs-Plan, plan]\n  skip: [WontFix]\n").labels
    assert labels.triggers("needs-plan") and labels.triggers("PLAN")
    assert not labels.triggers("bug")
    assert labels.skipping(["bug", "wontfix", "Duplicate"]) == ("wontfix",)


def test_research_turns_default_to_five_and_zero_means_one_shot() -> None:
    assert parse(None).research == Research(max_turns=5)
    assert parse("research:\n  max_turns: 0\n").research.max_turns == 0
    assert parse("research:\n  max_turns: 12\n").research.max_turns == 12


@pytest.mark.parametrize(("text", "key", "problem"), [
    ("research: 3\n", "research", "mapping"),
    ("research:\n  max_turns: -1\n", "research.max_turns", "from 0 (no research) to 20"),
    ("research:\n  max_turns: 21\n", "research.max_turns", "from 0 (no research) to 20"),
    ("research:\n  max_turns: yes\n", "research.max_turns", "whole number"),
    ("research:\n  tools: [grep]\n", "research.tools", "unknown key"),
    ("colour: blue\n", "colour", "unknown key"),
    ("output: pull-request\n", "output", "`branch` or `comments`"),
    ("label: ''\n", "label", "non-empty string"),
    ("label: [plan]\n", "label", "non-empty string"),
    ("label: plan\nlabels:\n  trigger: [plan]\n", "label", "keep only `labels`"),
    ("labels: plan\n", "labels", "mapping"),
    ("labels:\n  trigger: []\n", "labels.trigger", "at least one label"),
    ("labels:\n  trigger: [plan, '']\n", "labels.trigger", "non-empty string"),
    ("labels:\n  trigger: {a: b}\n", "labels.trigger", "a label or a list"),
    ("labels:\n  skip: [Plan]\n", "labels.skip", "a trigger label too"),
    ("labels:\n  only: [plan]\n", "labels.only", "unknown key"),
    ("budget:\n  monthly_usd: 0\n", "budget.monthly_usd", "above 0"),
    ("budget:\n  monthly_usd: ten\n", "budget.monthly_usd", "US dollars"),
    ("budget:\n  monthly_usd: true\n", "budget.monthly_usd", "US dollars"),
    ("budget:\n  daily_usd: 3\n", "budget.daily_usd", "unknown key"),
    ("stages: [problem, design]\n", "stages", "unknown value 'design'"),
    ("stages: [[problem]]\n", "stages", "plain words"),
    ("allowed: [OWNER, EVERYONE]\n", "allowed", "unknown value 'EVERYONE'"),
    ("context: 5\n", "context", "mapping"),
    ("context:\n  max_files: 0\n", "context.max_files", "positive whole number"),
    ("context:\n  max_files: true\n", "context.max_files", "positive whole number"),
    ("context:\n  pages: 3\n", "context.pages", "unknown key"),
    ("plans_dir: ../elsewhere\n", "plans_dir", "relative path"),
    ("plans_dir: /etc\n", "plans_dir", "relative path"),
    ("branch_prefix: 'plan bot/'\n", "branch_prefix", "invalid branch name"),
    ("branch_prefix: 'a..b/'\n", "branch_prefix", "invalid branch name"),
    ("branch_prefix: '-x/'\n", "branch_prefix", "invalid branch name"),
    ("branch_prefix: 'x~1/'\n", "branch_prefix", "invalid branch name"),
    ("- a list\n", "(file)", "mapping"),
    ("label: [unclosed\n", "(file)", "not valid YAML"),
])
def test_an_invalid_value_names_its_key_and_the_problem(text: str, key: str,
                                                        problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_a_yaml_alias_bomb_is_refused_before_it_expands() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}]\n" for i in range(8))
    assert len(bomb) < 1000
    with pytest.raises(ConfigError, match="alias"):
        parse(bomb)


def test_deep_nesting_is_refused_without_a_recursion_error() -> None:
    with pytest.raises(ConfigError, match="nested more than"):
        parse("label: " + "[" * 5000 + "]" * 5000 + "\n")


def test_a_file_larger_than_any_settings_file_is_refused_unread() -> None:
    with pytest.raises(ConfigError, match="larger than"):
        parse("label: plan\n" + "#" * MAX_BYTES)
