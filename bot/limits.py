"""How much a plan may hold: one home for the limits planners and validation share."""

from __future__ import annotations

MAX_HYPOTHESES = 7
MAX_TASKS = 20
MAX_TITLE = 200  # characters of a hypothesis or task title
# The offline planner's own titles stay under MAX_TITLE, so validation never has to cut them.
PLANNER_TITLE = 190
MAX_EVIDENCE = 400  # characters of one evidence line

# GitHub refuses an issue comment or a pull request body longer than this (422, "body is
# too long (maximum is 65536 characters)"): every text planbot publishes must fit.
GITHUB_BODY_CHARS = 65_536
# Stage 1 in comment mode is one comment holding the issue body and its discussion: each
# gets at most this much, so headings, checklists and notes fit in the rest. Longer text
# is shortened with a note that links to the issue.
PROBLEM_BODY_CHARS = 24_000
PROBLEM_DISCUSSION_CHARS = 30_000
