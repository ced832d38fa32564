"""Assemble the prompt context: tree summary plus the best excerpts, inside the token budget."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from bot.config import ContextBudget
from bot.context.ranking import RankedFile
from bot.context.snapshot import Snapshot
from bot.domain import RepoContext, Snippet, TreeEntry
from bot.paths import is_noise, language_of
from bot.text import longest_backticks

FENCE_TAGS = {"Python": "python", "JavaScript": "js", "TypeScript": "ts", "C#": "csharp",
              "C++": "cpp", "Shell": "sh", "Objective-C": "objc"}
MIN_LANGUAGE_SHARE = 0.01  # like GitHub's language bar, slivers are left out
MAX_FOLDERS = 20
MIN_SNIPPET_LINES = 5  # a shorter cut of an excerpt says too little to be worth its header
PIECE = re.compile(r"\w+|[^\w\s]")


def estimate_tokens(text: str) -> int:
    """A cheap upper-leaning token count: ceil(chars / 4), the usual English average, or
    one token per word or symbol when that is more (code is symbol-dense)."""
    pieces = sum(1 + len(p) // 8 for p in PIECE.findall(text))
    return max(math.ceil(len(text) / 4), pieces)


def languages(entries: Iterable[TreeEntry]) -> tuple[str, ...]:
    """Programming languages by bytes, largest first (prose and data files are not languages)."""
    size: Counter[str] = Counter()
    for entry in entries:
        language = language_of(entry.path)
        if language and not is_noise(entry.path):
            size[language] += max(entry.size, 1)
    total = sum(size.values())
    return tuple(lang for lang, n in size.most_common() if n >= MIN_LANGUAGE_SHARE * total)


def tree_summary(snapshot: Snapshot, ranked: Sequence[RankedFile], langs: Sequence[str],
                 tests: Sequence[str] = ()) -> str:
    folders = Counter(
        e.path.split("/", 1)[0] + "/" if "/" in e.path else "(root)" for e in snapshot.entries
    )
    count = len(snapshot.entries)
    if snapshot.tree_only:
        reach = "contents unavailable: files were ranked by their paths only"
    else:
        reach = f"{len(snapshot.files):,} readable files indexed"
        if snapshot.unread:
            reach += f"; {snapshot.unread:,} more left unread by the size budget"
    lines = [f"Repository at commit {snapshot.commit_sha[:12]}: {count:,} files ({reach})."]
    if snapshot.truncated:
        lines.append("GitHub truncated the file listing: some paths are missing.")
    if langs:
        lines.append("Languages: " + ", ".join(langs))
    lines.append("Top-level folders:")
    for folder, n in folders.most_common(MAX_FOLDERS):
        lines.append(f"- {folder} ({n:,} file{'s' if n != 1 else ''})")
    if len(folders) > MAX_FOLDERS:
        lines.append(f"- … and {len(folders) - MAX_FOLDERS} more")
    if ranked:
        lines.append("Files most relevant to the issue:")
        lines += [f"- {f.path} ({', '.join(f.reasons)})" for f in ranked]
    if tests:
        lines.append("Tests to run or extend:")
        lines += [f"- {path}" for path in tests]
    return "\n".join(lines)


def fenced(snippet: Snippet) -> str:
    """`path:start-end` header and the excerpt in a fence longer than any backtick run in it."""
    fence = "`" * max(3, longest_backticks(snippet.text) + 1)
    language = language_of(snippet.path) or ""
    tag = FENCE_TAGS.get(language, language.lower())
    return (
        f"### {snippet.path}:{snippet.start_line}-{snippet.end_line}\n"
        f"{fence}{tag}\n{snippet.text}\n{fence}"
    )


def _most(count: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 0..count with fits(n), for a `fits` that stays true below it."""
    low, high = 0, count
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if fits(mid) else (low, mid - 1)
    return low


def fit(text: str, tokens: int) -> str:
    """`text` cut (whole lines first, then characters) until its estimate fits `tokens`."""
    if estimate_tokens(text) <= tokens:
        return text
    lines = text.split("\n")
    low = _most(len(lines), lambda n: estimate_tokens("\n".join(lines[:n])) <= tokens)
    if low:
        return "\n".join(lines[:low])
    cut = lines[0][: tokens * 4]
    while cut and estimate_tokens(cut) > tokens:
        cut = cut[: len(cut) * 3 // 4]
    return cut


def _shortened(snippet: Snippet, prefix: str, tokens: int) -> Snippet | None:
    """The longest head of `snippet` that still fits after `prefix`, if it is worth showing."""
    lines = snippet.text.split("\n")

    def head(n: int) -> Snippet:
        return Snippet(snippet.path, snippet.start_line, snippet.start_line + n - 1,
                       "\n".join(lines[:n]), snippet.score)

    n = _most(len(lines) - 1, lambda n: estimate_tokens(prefix + fenced(head(n))) <= tokens)
    return head(n) if n >= MIN_SNIPPET_LINES else None


def assemble(
    snapshot: Snapshot, ranked: Sequence[RankedFile], budget: ContextBudget,
    tests: Sequence[str] = (),
) -> RepoContext:
    """The planner's view of the repository; `prompt_text` never exceeds the token budget.
    Tests are listed apart from the files whose excerpts are quoted."""
    ranked = list(ranked)[: budget.max_files]
    langs = languages(snapshot.entries)
    summary = tree_summary(snapshot, ranked, langs, tests)
    text = fit(summary, budget.prompt_tokens)
    chosen: list[Snippet] = []
    for snippet in (s for f in ranked for s in f.snippets):
        prefix = text + ("\n\nExcerpts:\n\n" if not chosen else "\n\n")
        if estimate_tokens(prefix + fenced(snippet)) > budget.prompt_tokens:
            shorter = _shortened(snippet, prefix, budget.prompt_tokens)
            if shorter is None:
                continue  # a later, shorter excerpt may still fit
            snippet = shorter
        text = prefix + fenced(snippet)
        chosen.append(snippet)
    return RepoContext(
        commit_sha=snapshot.commit_sha,
        paths=snapshot.paths,
        tree_summary=summary,
        snippets=tuple(chosen),
        languages=langs,
        prompt_text=text,
        source=snapshot,
    )
