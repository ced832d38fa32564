"""Where the issue says each code name: in its title, in its prose, or only inside pasted
code; and which names are another project's or only part of a reported error (pure).

A name the title uses is what the issue is about; a helper the reporter called to build
the input, inside the reproduction, is not. Neither is `rechunk` in `xr.rechunk()`, a
method of another library, nor `flag` in "'Var' object has no attribute 'flag'": the
error says it is missing, not where the code that expects it is.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable

from bot.context.query import FENCE, IDENTIFIER, NAME, PLAIN_WORD
from bot.context.tokens import STOPWORDS, split_identifier
from bot.paths import CODE_SPAN

TITLE, TITLE_WORD, PROSE, CODE = "title", "title word", "prose", "code"
# The usual import aliases of the Python ecosystem, to tell `np.x` from the project's own.
ALIASES = {"np": "numpy", "pd": "pandas", "xr": "xarray", "plt": "matplotlib", "tf": "tensorflow",
           "jnp": "jax", "sp": "scipy", "da": "dask", "dd": "dask", "nx": "networkx",
           "sns": "seaborn", "mpl": "matplotlib", "pl": "polars", "pa": "pyarrow"}
_IMPORT_AS = re.compile(r"^\s*import\s+([\w.]+)\s+as\s+(\w+)|^\s*from\s+([\w.]+)\s+import\s+"
                        r"([\w, ]+)|^\s*import\s+([\w.]+)\s*$", re.MULTILINE)
_ERROR_TEXT = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning):[^\n]*")
_TITLE_WORD = re.compile(r"[a-z]{4,}")
# Lines of pasted output outside fences: quoted (`> 729 x = f(a)`), indented code, marked.
_OUTPUT = re.compile(r"^(?:\s*>.*|(?: {4}|\t).*|\s*-+>.*)$", re.MULTILINE)
# A checkbox line: an issue form's option or attestation ("- [ ] If using the API, add
# `verbose` to `Client`", "- [ ] [Model Config](https://…) - `model_construct()`"), or a
# to-do. The form offers it; the reporter does not say with it what goes wrong.
_FORM_OPTION = re.compile(r"^\s*[-*]\s+\[[ xX]\]\s.*$", re.MULTILINE)
_ONE_NAME = re.compile(r"^[A-Za-z_][\w.]*(?:\(.*\))?$")
# A traceback's listing of the project's code: a frame's line and the source under it, a
# numbered line (IPython's `--> 730 x = f(a)`, `    729 check(args)`), pytest's `>   x`.
# Names there are the frames' evidence (bot.planners.frame_leads), not the reporter's.
_LISTING = re.compile(r"^[>\s]*File \"[^\"\n]+\", line \d+[^\n]*\n[^\n]*$"
                      r"|^[>\s]*(?:-+>)?[ \t]*\d+[ \t]+\S[^\n]*$|^>[ \t]{3,}\S[^\n]*$",
                      re.MULTILINE)
# What a sentence says goes wrong with what it names, asks of it or asks about it: a name
# said with it is what the issue is about; a name said without it is the reporter's
# setting ("I need a `PositiveOddInt`", "a function `foo` that expects …") or a precedent.
_COMPLAINT = re.compile(
    r"\b(fail\w*|errors?|exceptions?|rais(e|es|ed|ing)|throw\w*|crash\w*|wrong|incorrect\w*"
    r"|broken|breaks?|bugs?|buggy|slow\w*|hang\w*|stuck|freez\w*|loop\w*|leak\w*"
    r"|(too|very|so) (long|much|many|slow|large)|a lot of|instead|should(n't| not)?"
    r"|(does|do|is|are|was|were|did|can|could|will|would)(n't| not)|cannot|unable"
    r"|ignor\w*|missing|lost|loses|drop(s|ped)?|never|no longer|unexpected\w*|regress\w*"
    r"|inconsistent\w*|mismatch\w*|empty|takes?|took|taking|seconds?|minutes?|hours?|memory"
    r"|\d+(\.\d+)? ?(ms|s|sec|min|h|[kmg]i?b)"
    r"|make|let|allow|accept|support|add|expose|extend|improve|deprecate|rename"
    r"|configurable|changeable)\b|\?\s*$", re.IGNORECASE)
# The language's own names (`len`, `complex`, `type`) and the words every tool uses.
COMMON = frozenset(n.lower() for n in dir(builtins)) | {
    "self", "main", "run", "test", "setup", "init", "get", "set", "post", "put", "delete",
    "patch", "items", "keys", "values", "append", "join", "split", "format"}


def _code_names(text: str) -> list[str]:
    """snake_case and camelCase words, and spans that are one name or call (`df.squeeze`,
    `load()`); a span of several words (`pip install x`, `CREATE SEQUENCE`) names none."""
    spans = [s.strip() for s in CODE_SPAN.findall(text)]
    named = [n for s in spans if _ONE_NAME.match(s) for n in NAME.findall(s)[:1]]
    return IDENTIFIER.findall(text) + named


def standing(text: str) -> dict[str, str]:
    """Each code name of the issue (`text`: title on the first line) and where it stands
    highest: title, title word (a plain word of the title), prose or code."""
    title, _, body = text.partition("\n")
    body = _FORM_OPTION.sub(" ", body)
    prose = _ERROR_TEXT.sub(" ", _OUTPUT.sub(" ", FENCE.sub(" ", body)))
    code = _LISTING.sub(" ", body)
    found: dict[str, str] = {}
    for words, where in ((_code_names(_ERROR_TEXT.sub(" ", title)), TITLE),
                         (_code_names(prose), PROSE), (_code_names(code), CODE),
                         (PLAIN_WORD.findall(title), TITLE_WORD)):
        for word in words:
            name = word.split(".")[-1]
            if (len(name) > 2 and name.isidentifier() and not name.startswith("__")
                    and name.lower() not in STOPWORDS | COMMON):
                found.setdefault(name, where)
    return found


_DEFINED = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.MULTILINE)


def reporters_own(text: str) -> set[str]:
    """Names the issue's own code defines (`def my_task(df):`): the reporter's, however the
    tree happens to spell a namesake. A traceback's listing of the project's code is not
    the reporter's."""
    return set(_DEFINED.findall(_LISTING.sub(" ", text.partition("\n")[2])))


def complains(sentence: str) -> bool:
    """The sentence says something goes wrong (fails, is slow, is missing, should …),
    asks for a change (make, add, accept …) or asks a question."""
    return bool(_COMPLAINT.search(sentence))


def _aliases(text: str) -> dict[str, str]:
    """Prefix → the top-level package it stands for, from the issue's own imports."""
    out = dict(ALIASES)
    for m in _IMPORT_AS.finditer(text):
        if m[1]:
            out[m[2]] = m[1]
        elif m[3]:
            out.update({n.strip(): m[3] for n in m[4].split(",") if n.strip()})
        elif m[5]:
            out[m[5].split(".")[0]] = m[5]
    return {alias: package.split(".")[0] for alias, package in out.items()}


def foreign(text: str, names: Iterable[str], packages: frozenset[str]) -> set[str]:
    """Names the issue uses as members of another project's package (`xr.rechunk()`) and
    never bare or as the tree's own (`da.map_overlap` where the tree is dask). A prefix
    that is no known package (`df.squeeze`, `arr.rechunk`) is a variable: it says neither."""
    aliases = _aliases(text)
    out = set()
    for name in names:
        uses = re.findall(rf"(?<![\w.])((?:\w+\.)*){re.escape(name)}\b", text)
        tops = [aliases.get(u.split(".")[0]) if u else "" for u in uses]
        theirs = [t for t in tops if t and t not in packages]
        if theirs and not any(t == "" or (t and t in packages) for t in tops):
            out.add(name)
    return out


def shares_title_word(name: str, text: str) -> bool:
    """`EmailStr` and "Email parsing slowdown": the title names what the code name is."""
    title = {w[:5] for w in _TITLE_WORD.findall(text.partition("\n")[0].lower())
             if w not in STOPWORDS}
    return any(part[:5] in title for part in split_identifier(name) if len(part) >= 4)


def packages(paths: Iterable[str]) -> frozenset[str]:
    """Top-level importable names of the tree (`dask`, `src/pkg` → `pkg`)."""
    tops = set()
    for path in paths:
        parts = path.split("/")
        if parts[0] in ("src", "lib") and len(parts) > 2:
            parts = parts[1:]
        tops.add(parts[0].removesuffix(".py"))
    return frozenset(tops)
