"""Hypotheses from the code names the issue uses, weighed by where it uses them: the title
outranks the prose, which outranks pasted code (pure)."""

from __future__ import annotations

from bot.paths import is_code
from bot.planners import evidence as weigh
from bot.planners import reading
from bot.planners.evidence import Lead, TreeMatcher, as_code, line_with, where_at
from bot.planners.frame_leads import in_repository
from bot.planners.framing import Framing
from bot.planners.standing import (
    CODE,
    PROSE,
    TITLE,
    TITLE_WORD,
    complains,
    foreign,
    packages,
    reporters_own,
    shares_title_word,
    standing,
)

MAX_NAMES = 4
MAX_SETTLED = 3  # a definer the search ranks this high settles which of two definers is meant
_WEIGHT = {TITLE: weigh.TITLE_NAME, PROSE: weigh.PROSE_NAME, CODE: weigh.SHARED_WORD}
_SOURCE = {TITLE: "title", PROSE: "issue", CODE: "issue's code"}
COPY_NOTE = "in a copy kept beside the live code: check the live code first"
# A name the issue only mentions: where it is defined is a place to read, not a finding.
MENTIONED = "Read first: `{name}` in `{path}`, which the {source} mentions"


def _defined(tree: TreeMatcher, name: str) -> list[tuple[str, int | None, str]]:
    """Where `name` is defined: (file, line, code line if an excerpt shows it). A side
    copy's definitions (a frozen `v1/`, a legacy namespace) count only when the live code
    has none."""
    found = sorted(((path, line) for n, path, line in tree.context.findings.definitions
                    if n == name and is_code(path)),
                   key=lambda item: (tree.rank(item[0]) or len(tree.context.paths), item[0]))
    found = [item for item in found if not tree.is_side(item[0])] or found
    in_excerpt = reading.definition(name, tree.context.snippets)
    if in_excerpt and not found:
        snippet, line, code = in_excerpt
        return [(snippet.path, line, code)]
    return [(path, line, reading.code_at(tree.context.snippets, path, line)) for path, line in
            found]


def _ambiguous(tree: TreeMatcher, found: list[tuple[str, int | None, str]]) -> bool:
    """Several files define the name, and the search does not settle which: more than two,
    or a first one that is not among the search's best files."""
    rank = tree.rank(found[0][0])
    return len(found) > 2 or (len(found) == 2 and (rank is None or rank > MAX_SETTLED))


def _framed_functions(tree: TreeMatcher, text: str) -> set[str]:
    """Names of the functions the traceback's repository frames run."""
    return {frame.function.rsplit(".", 1)[-1] for frame, _ in in_repository(tree, text)
            if frame.function}


def _wanted(text: str, tree: TreeMatcher) -> list[tuple[str, str]]:
    """(name, where it stands) for names worth a hypothesis, strongest standing first: not
    another project's, not one only the reporter's code uses and defines (their helper; a
    name their prose also uses may be the project's function they propose to rewrite),
    and a name only inside pasted code only when the title speaks of what it is."""
    said = standing(text)
    own = {n for n in reporters_own(text) if said.get(n) == CODE}
    theirs = foreign(text, said, packages(tree.context.paths)) | own
    order = [TITLE, PROSE, CODE]
    # A plain title word ("view", "default") is a word before it is a name: only a name
    # written as code is looked up.
    kept = [(n, w) for n, w in said.items() if n not in theirs and w != TITLE_WORD
            and (w != CODE or shares_title_word(n, text))]
    return sorted(kept, key=lambda item: order.index(item[1]))


def name_leads(tree: TreeMatcher, text: str, say: Framing) -> list[Lead]:
    calls = dict(reading.symbols(text))
    framed = _framed_functions(tree, text)
    leads: list[Lead] = []
    for name, where in _wanted(text, tree):
        found = _defined(tree, name)
        if name in framed:
            continue  # its frame is the lead, weighed by this same standing (frame_leads)
        if not found:
            continue
        path, line, code = found[0]
        at = where_at(path, line)
        shown = f": {as_code(code)}" if code else ""
        call = calls.get(name, "")
        test = f"calling {as_code(call)}" if call else f"calling `{name}` with the issue's input"
        said = line_with(text, name)
        # A name the title uses, or one the issue says goes wrong or the title speaks of,
        # is what the issue is about; any other is the reporter's setting or a precedent.
        about = where == TITLE or complains(said) or shares_title_word(name, text)
        title = say.symbol if about else MENTIONED
        # Only a side copy defines it: the live code spells it another way, or not at all.
        # A name the issue only mentions, found only there, points nowhere.
        copy = tree.is_side(path)
        if copy and not about:
            continue
        side = f" ({COPY_NOTE})" if copy else ""
        leads.append(Lead(
            path, title.format(name=name, path=path, source=_SOURCE[where]),
            say.symbol_verify.format(name=name, path=path, test=test) if about
            else say.read.format(path=path),
            [f"The {_SOURCE[where]} says {tree.quoted(said)}",
             f"`{name}` is defined at `{at}`{shown}{side}"], [at],
            _WEIGHT[where] - (weigh.AMBIGUOUS if _ambiguous(tree, found) or copy else 0)))
        if len(leads) == MAX_NAMES:
            break
    return leads
