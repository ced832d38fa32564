"""Hypotheses from what the issue names: an error's message, code, files and modules."""

from __future__ import annotations

import re

from bot.context import signals
from bot.context.mentions import blob_links
from bot.context.query import TITLE_NAME_WEIGHT, Query, parse_query
from bot.context.tracebacks import frames, mentioned_paths
from bot.domain import Snippet
from bot.paths import is_code
from bot.planners import reading
from bot.planners.evidence import Lead, TreeMatcher, as_code, line_with, quote, where_at
from bot.planners.frame_leads import in_repository
from bot.planners.framing import Framing

MAX_SYMBOLS = 3
_PACKAGE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.[A-Za-z_]")


def error_lead(tree: TreeMatcher, error: str) -> Lead | None:
    kind, _, message = error.partition(":")
    if not message.strip():
        return _raise_lead(tree, kind)
    found = reading.message_source(message, _code_snippets(tree))
    if not found:
        return None
    snippet, line, code = found
    at = where_at(snippet.path, line)
    return Lead(snippet.path, f"The check at `{at}` rejects the issue's input (`{kind}`)", (
        f"Write a failing test that feeds the input from the reproduction steps to the code "
        f"around `{at}`, then decide whether the input or the check is wrong."),
        [f"The issue reports {quote(error)}", f"`{at}` holds that message: {as_code(code)}"],
        [at])


def _raise_lead(tree: TreeMatcher, kind: str) -> Lead | None:
    """An error with no message says only its class: found in docs or tests, the name
    proves nothing, so only the one place in the code that raises it is a lead."""
    sites = reading.raise_sites(kind.rsplit(".", 1)[-1], _code_snippets(tree))
    if len(sites) != 1:
        return None
    snippet, line, code = sites[0]
    at = where_at(snippet.path, line)
    return Lead(snippet.path, f"`{at}` raises the bare `{kind}` the issue reports", (
        f"Run the reproduction with a breakpoint at `{at}`; if it is hit, the condition "
        "above it is what the input breaks, if not, another frame raises it."),
        [f"The issue reports `{kind}` with no message",
         f"`{at}` is the one place in the excerpts that raises it: {as_code(code)}"], [at])


def _code_snippets(tree: TreeMatcher) -> list[Snippet]:
    """Excerpts of the code itself: an error's text in a test or a page proves nothing."""
    return [s for s in tree.context.snippets if is_code(s.path)]


def symbol_leads(tree: TreeMatcher, text: str, calls: dict[str, str], say: Framing) -> list[Lead]:
    leads = []
    in_frames = _framed_functions(tree, text)
    for name, call in list(calls.items())[:MAX_SYMBOLS]:
        found = reading.definition(name, tree.context.snippets)
        framed = in_frames.get(name)
        if framed and not (found and found[0].path == framed):
            # The traceback says where it runs: not a namesake in another file.
            path = at = framed
            evidence = f"`{name}` runs in `{path}`, a frame of the issue's traceback"
        elif found:
            snippet, line, code = found
            path, at = snippet.path, where_at(snippet.path, line)
            evidence = f"`{name}` is defined at `{at}`: {as_code(code)}"
        else:
            continue
        test = f"calling {as_code(call)}" if call else f"calling `{name}` with the issue's input"
        leads.append(Lead(
            path, say.symbol.format(name=name, path=path, source="issue"),
            say.symbol_verify.format(name=name, path=path, test=test),
            [f"The issue shows {quote(tree.grounded(line_with(text, name)))}", evidence], [at]))
    return leads


def _framed_functions(tree: TreeMatcher, text: str) -> dict[str, str]:
    """Function name -> the tree file of the traceback frame it runs in."""
    out: dict[str, str] = {}
    for frame, path in in_repository(tree, text):
        if frame.function:
            out.setdefault(frame.function.rsplit(".", 1)[-1], path)
    return out


def file_leads(tree: TreeMatcher, text: str, source: str, say: Framing) -> list[Lead]:
    # A file that appears only as a traceback frame is the frames' evidence, not one more
    # hypothesis per frame.
    framed = {frame.path for frame in frames(text)}
    leads = []
    for link in blob_links(text):  # a link to the file on GitHub, maybe to one line
        path = tree.resolve(link.path)
        if path is not None:
            line = f", line {link.line} at the linked commit" if link.line else ""
            leads.append(Lead(path, say.file.format(path=path, source=source),
                               say.file_verify.format(path=path),
                               [f"The {source} links `{path}`{line}"], [tree.span(path)]))
    for raw in mentioned_paths(text):
        path = tree.resolve(raw)
        # A mention on a frame's own line is that frame, however the reporter's tool
        # spelled its path (Jupyter: `[<shortened>/pkg/a.py:730](http://…)`).
        if path is None or raw in framed or frames(line_with(text, raw)):
            continue
        leads.append(Lead(path, say.file.format(path=path, source=source),
                           say.file_verify.format(path=path),
            [f"The {source} says {quote(tree.grounded(line_with(text, raw)))}"],
            [tree.span(path)]))
    return leads


def _lead(tree: TreeMatcher, path: str, say: Framing, evidence: str) -> Lead:
    return Lead(path, say.file.format(path=path, source="issue"),
                say.file_verify.format(path=path), [evidence], [tree.span(path)])


def named_leads(tree: TreeMatcher, text: str, say: Framing) -> list[Lead]:
    """Files the issue names without a path: a dotted module (`sqlglot.optimizer.qualify`),
    the code a named test file tests, or a title's name one code file is named after
    (`CloudFlareStream`, "[MiTele]")."""
    query = parse_query(text)
    # A package (`dask.array`) names a folder whose __init__ re-exports: only a module's
    # own file is a place.
    leads = [_lead(tree, path, say, f"The issue names the module `{m.path.replace('/', '.')}`")
             for m in query.mentions if m.module
             if (path := tree.resolve(f"{m.path}.py")) is not None]
    tested = [p for p, why in signals.named(tree.index, query).reasons.items()
              if why == "tested by a named test"]
    for test in (t for raw in mentioned_paths(text) if (t := tree.resolve(raw))):
        # `test_series.py` names the code it tests: `series.py`
        stem = test.rsplit("/", 1)[-1].removeprefix("test_").removesuffix(".py")
        name = f"{stem.removesuffix('_test')}.py"
        leads += [_lead(tree, path, say, f"The issue names `{test}`, the tests of `{path}`")
                  for path in tested if path.rsplit("/", 1)[-1] == name]
    return leads + _namesakes(tree, query, text, say)


def _namesakes(tree: TreeMatcher, query: Query, text: str, say: Framing) -> list[Lead]:
    """The one code file named after a name in the title, or after its "[component]"."""
    by_stem: dict[str, list[str]] = {}
    for path in sorted(p for p in tree.context.paths if is_code(p)):
        by_stem.setdefault(signals.root(path.rsplit("/", 1)[-1].split(".", 1)[0]), []).append(path)
    # `annotated_types.Not`, `dask.array`: what comes before a dot is a package, often
    # another project's; a file of ours with its name is a namesake, not the place.
    packages = set(_PACKAGE.findall(text))
    names = [n for n, weight in query.names
             if weight >= TITLE_NAME_WEIGHT and n not in packages]
    leads = []
    for name in [*([query.area.replace(" ", "")] if query.area else []), *names]:
        stems = by_stem.get(signals.root(name.split(".")[-1]), [])
        if len(stems) == 1 and len(name) >= signals.MIN_ROOT:
            leads.append(_lead(tree, stems[0], say, f"The issue names `{name}`, and "
                               f"`{stems[0]}` is the one code file named after it"))
    return leads
