"""What the model reads about the issue's kind, and how it is asked to shape the plan."""

from __future__ import annotations

from bot.documents.kind import KINDS
from bot.documents.problem import render_problem
from bot.domain import Issue, PlanInput, RepoContext
from bot.planners.prompts import SYSTEM_PROMPT, stage_request
from bot.planners.schema import TASKS


def test_the_kind_line_a_maintainer_corrected_reaches_the_model() -> None:
    document = render_problem("o/r", Issue(3, "Export is slow", "It takes 40 s."), [])
    corrected = document.replace("**performance issue**", "**bug report**")
    request = stage_request(TASKS, PlanInput(corrected, RepoContext("", frozenset())))
    assert "- Kind: **bug report**" in request


def test_the_system_prompt_names_a_plan_shape_for_every_kind() -> None:
    shapes = {"bug report": "Bug:", "feature request": "Feature:",
              "performance issue": "Performance:", "security vulnerability": "Security:",
              "question or support": "Question:",
              "documentation": "Documentation:"}
    assert set(shapes) == set(KINDS)
    assert all(shape in SYSTEM_PROMPT for shape in shapes.values())
    assert "never as `#N`" in SYSTEM_PROMPT
