"""The offline planner cites the tree's paths and HEAD's lines, never the reporter's."""

from __future__ import annotations

import re

from bot.config import ContextBudget
from bot.context import build_context
from bot.documents.validate import Grounding
from bot.domain import PlanInput
from bot.planners.offline import OfflinePlanner
from tests.context_samples import SHOP_FILES
from tests.fakes import FakeGitHub

# The reporter runs an older release: in HEAD the raising line has moved down.
COUPONS = SHOP_FILES["src/shop/coupons.py"].replace("import re\n", "import re\nimport os\n\n")
ISSUE = """Lowercase coupons crash checkout
Traceback (most recent call last):
  File "/home/me/.venv/lib/python3.12/site-packages/shop/coupons.py", line 12, in parse_coupon
    return KNOWN[name]
KeyError: 'save10'
"""


def test_traceback_hypothesis_cites_the_tree_path_and_the_line_where_the_code_now_is() -> None:
    files = {**SHOP_FILES, "src/shop/coupons.py": COUPONS}
    context = build_context(FakeGitHub(files=files), "main", ISSUE, ContextBudget())
    moved = COUPONS.splitlines().index("    return KNOWN[name]") + 1
    assert moved != 12
    draft = OfflinePlanner().hypotheses(PlanInput(ISSUE, context))
    first = draft.items[0]
    assert first.where_to_look[0] == f"src/shop/coupons.py:{moved}"
    ground = Grounding(context)
    for h in draft.items:
        for text in (h.title, *h.evidence, h.how_to_verify):
            # The reporter's own path may only appear quoted as they wrote it, “…”.
            assert "site-packages" not in re.sub(r"“[^”]*”", "", text)
            ground.text(text)
        ground.refs(h.where_to_look)
    assert ground.missing == {}
