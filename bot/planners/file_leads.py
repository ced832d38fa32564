"""Hypotheses from the files the issue names: paths, links to lines, dotted modules, the code
a named test tests, and the one file named after the title's component (pure)."""

from __future__ import annotations

import re

from bot.context import signals
from bot.context.mentions import blob_links
from bot.context.query import TITLE_NAME_WEIGHT, Query, parse_query
from bot.context.tracebacks import frames, mentioned_paths
from bot.paths import is_code
from bot.planners import evidence as weigh
from bot.planners.evidence import Lead, TreeMatcher, line_with, where_at
from bot.planners.framing import Framing

_PACKAGE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.[A-Za-z_]")


def _in_title(text: str, raw: str) -> bool:
    return raw in text.partition("\n")[0]


def file_leads(tree: TreeMatcher, text: str, source: str, say: Framing,
               strength: float = weigh.NAMED_FILE) -> list[Lead]:
    """Files the text links or names by path; in the title they weigh most, a link to a
    line more than a plain mention."""
    # A file that appears only as a traceback frame is the frames' evidence.
    framed = {frame.path for frame in frames(text)}
    leads = []
    for link in blob_links(text):  # a link to the file on GitHub, maybe to one line
        path = tree.resolve(link.path)
        if path is None:
            continue
        # The line linked is the reporter's pointer: where to look first, and as strong
        # as the traceback (a name the title blames is their diagnosis, weighed below it).
        at = link.line if link.line and tree.holds_line(path, link.line) else None
        line = f", line {link.line} at the linked commit" if link.line else ""
        leads.append(Lead(path, say.file.format(path=where_at(path, at), source=source),
                          say.file_verify.format(path=where_at(path, at)),
                          [f"The {source} links `{path}`{line}"],
                          [*([where_at(path, at)] if at else []), tree.span(path)],
                          max(strength, weigh.LINE if at else weigh.LINK if link.line
                              else strength)))
    for raw in mentioned_paths(text):
        path = tree.resolve(raw)
        # A mention on a frame's own line is that frame, however the reporter's tool
        # spelled its path (Jupyter: `[<shortened>/pkg/a.py:730](http://…)`).
        if path is None or raw in framed or frames(line_with(text, raw)):
            continue
        weight = max(strength, weigh.TITLE_FILE) if _in_title(text, raw) else strength
        leads.append(Lead(path, say.file.format(path=path, source=source),
                          say.file_verify.format(path=path),
                          [f"The {source} says {tree.quoted(line_with(text, raw))}"],
                          [tree.span(path)], weight))
    return leads


def _lead(tree: TreeMatcher, path: str, say: Framing, evidence: str, strength: float) -> Lead:
    return Lead(path, say.file.format(path=path, source="issue"),
                say.file_verify.format(path=path), [evidence], [tree.span(path)], strength)


def named_leads(tree: TreeMatcher, text: str, say: Framing) -> list[Lead]:
    """Files the issue names without a path: a dotted module (`sqlglot.optimizer.qualify`),
    the code a named test file tests, or a title's name one code file is named after
    (`CloudFlareStream`, "[MiTele]")."""
    query = parse_query(text)
    # A package (`dask.array`) names a folder whose __init__ re-exports: only a module's
    # own file is a place.
    leads = [_lead(tree, path, say, f"The issue names the module `{dotted}`",
                   weigh.TITLE_FILE if _in_title(text, dotted) else weigh.NAMED_FILE)
             for m in query.mentions if m.module
             if (path := tree.resolve(f"{m.path}.py")) is not None
             for dotted in [m.path.replace("/", ".")]]
    tested = [p for p, why in signals.named(tree.index, query).reasons.items()
              if why == "tested by a named test"]
    for test in (t for raw in mentioned_paths(text) if (t := tree.resolve(raw))):
        # `test_series.py` names the code it tests: `series.py`
        stem = test.rsplit("/", 1)[-1].removeprefix("test_").removesuffix(".py")
        name = f"{stem.removesuffix('_test')}.py"
        leads += [_lead(tree, path, say, f"The issue names `{test}`, the tests of `{path}`",
                        weigh.TESTED) for path in tested if path.rsplit("/", 1)[-1] == name]
    return leads + _namesakes(tree, query, text, say)


def _namesakes(tree: TreeMatcher, query: Query, text: str, say: Framing) -> list[Lead]:
    """The one code file named after the title's "[component]" or "component:" prefix, or
    after a name in the title."""
    by_stem: dict[str, list[str]] = {}
    for path in sorted(p for p in tree.context.paths if is_code(p) and not tree.is_side(p)):
        by_stem.setdefault(signals.root(path.rsplit("/", 1)[-1].split(".", 1)[0]), []).append(path)
    # `annotated_types.Not`, `dask.array`: what comes before a dot is a package, often
    # another project's; a file of ours with its name is a namesake, not the place.
    packages = set(_PACKAGE.findall(text))
    names = [n for n, weight in query.names
             if weight >= TITLE_NAME_WEIGHT and n not in packages]
    area = [query.area.replace(" ", "")] if query.area else []
    leads = []
    for name in [*area, *names]:
        stems = by_stem.get(signals.root(name.split(".")[-1]), [])
        if len(stems) == 1 and len(name) >= signals.MIN_ROOT:
            tag = "the title's component" if name in area else "the title"
            leads.append(_lead(tree, stems[0], say, f"The issue names `{name}` in {tag}, and "
                               f"`{stems[0]}` is the one code file named after it",
                               weigh.AREA if name in area else weigh.NAMESAKE))
    return leads
