"""How much a plan may hold: one home for the limits planners and validation share."""

from __future__ import annotations

MAX_HYPOTHESES = 7
MAX_TASKS = 20
MAX_TITLE = 200  # characters of a hypothesis or task title
MAX_EVIDENCE = 400  # characters of one evidence line
