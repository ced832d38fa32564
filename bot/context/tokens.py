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
# bm25s's English list is Lucene's 33 words; issue prose needs the rest of the function
# words, and the courtesies reports are wrapped in. Words that name code (get, set, list,
# error, type) are kept.
PROSE_WORDS = frozenset(
    [
        "i", "me", "my", "we", "us", "our", "you", "your", "he", "she", "him", "her", "his",
        "it", "its", "they", "them", "their", "what", "which", "who", "whom", "whose", "when",
        "where", "why", "how", "am", "is", "are", "was", "were", "be", "been", "being", "have",
        "has", "had", "having", "do", "does", "did", "doing", "done", "would", "should", "could",
        "can", "cannot", "may", "might", "must", "shall", "also", "just", "only", "very", "too",
        "so", "than", "any", "some", "all", "both", "each", "few", "more", "most", "other",
        "such", "own", "same", "here", "there", "again", "once", "about", "above", "after",
        "before", "below", "between", "during", "through", "under", "over", "up", "down", "out",
        "off", "into", "onto", "upon", "via", "per", "while", "because", "since", "until",
        "unless", "although", "though", "however", "whether", "either", "neither", "nor", "yet",
        "still", "even", "ever", "never", "always", "often", "sometimes", "maybe", "perhaps",
        "like", "seems", "seem", "seemed", "think", "thought", "want", "wanted", "wants", "need",
        "needs", "needed", "please", "thanks", "thank", "hi", "hello", "regards", "currently",
        "actually", "really", "basically", "simply", "anyone", "someone", "something",
        "anything", "nothing", "everything", "etc", "eg", "ie",
    ]
)
STOPWORDS = frozenset(STOPWORDS_EN) | CODE_WORDS | PROSE_WORDS

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
    # Stop words are checked before plurals are folded: "this" is not "thi", "does" not "doe".
    pieces = [p.lower() for p in PART.findall(word)]
    parts = [stem(p) for p in pieces if p not in STOPWORDS]
    if whole in STOPWORDS:
        whole = ""
    elif len(pieces) <= 1:
        whole = stem(whole)
    out = [whole] if len(whole) > 1 else []
    if len(pieces) > 1:
        out += [p for p in parts if len(p) > 1 and p != whole]
    result = tuple(out)
    if len(_SPLITS) < _MAX_SPLITS:
        _SPLITS[word] = result
    return result


def tokenize(text: str) -> list[str]:
    """Lower-case search tokens of `text`, stopwords and one-letter names dropped."""
    tokens: list[str] = []
    known = _SPLITS  # looked up inline: a call per word costs a third of the time
    for word in WORD.findall(text):
        parts = known.get(word)
        tokens.extend(split_identifier(word) if parts is None else parts)
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
