"""Tokenise prose and code alike: whole identifiers plus their camelCase/snake_case parts."""

from __future__ import annotations

import functools
import re

from bm25s.stopwords import STOPWORDS_EN

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# "HTTPServerError" -> HTTP, Server, Error; "parse_v2_header" -> parse, v2, header
PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")
# Keywords every file of a language repeats: they only blur the ranking.
CODE_WORDS = frozenset(
    [
        "self", "cls", "def", "class", "return", "import", "from", "none", "null", "true",
        "false", "const", "let", "var", "function", "async", "await", "elif", "else", "try",
        "except", "finally", "raise", "pass", "lambda", "new", "this",
    ]
)
STOPWORDS = frozenset(STOPWORDS_EN) | CODE_WORDS

# Identifiers repeat across a repository, so their splits are memoised (bounded: a
# repository has far fewer distinct identifiers than tokens).
_SPLITS: dict[str, tuple[str, ...]] = {}
_MAX_SPLITS = 200_000


def stem(word: str) -> str:
    """Harman's S-stemmer: plural folding only ("coupons" -> "coupon", "queries" -> "query"),
    so prose finds names without the over-reach of a full stemmer on code words."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def split_identifier(word: str) -> tuple[str, ...]:
    """`parseHeaders` -> ("parseheaders", "parse", "header"): the identifier whole (verbatim,
    for exact matches) and its parts (plurals folded); a plain word is just folded."""
    cached = _SPLITS.get(word)
    if cached is not None:
        return cached
    whole = word.strip("_").lower()
    parts = [stem(p.lower()) for p in PART.findall(word)]
    if len(parts) <= 1:
        whole = stem(whole)
    out = [whole] if len(whole) > 1 and whole not in STOPWORDS else []
    if len(parts) > 1:
        out += [p for p in parts if len(p) > 1 and p not in STOPWORDS and p != whole]
    result = tuple(out)
    if len(_SPLITS) < _MAX_SPLITS:
        _SPLITS[word] = result
    return result


def tokenize(text: str) -> list[str]:
    """Lower-case search tokens of `text`, stopwords and one-letter names dropped."""
    tokens: list[str] = []
    for word in WORD.findall(text):
        tokens.extend(split_identifier(word))
    return tokens


@functools.lru_cache(maxsize=65_536)
def _folder_tokens(folder: str) -> tuple[str, ...]:
    # Thousands of files share a few hundred folders: split each folder once.
    return tuple(tokenize(folder))


def path_tokens(path: str) -> list[str]:
    """Tokens of a repository path: folders and file name split like identifiers, plus the
    file name whole ("views.py") so a query naming the file matches it exactly."""
    folder, _, name = path.rpartition("/")
    return [*_folder_tokens(folder), *tokenize(name), name.lower()]
