"""Plain data shared by every layer: issues, comments, trees, plan drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.context.snapshot import Snapshot

STAGES: tuple[str, ...] = ("problem", "hypotheses", "tasks")
FILENAMES: dict[str, str] = {
    "problem": "problem-definition.md",
    "hypotheses": "hypotheses.md",
    "tasks": "tasks.md",
}
MAINTAINERS: tuple[str, ...] = ("OWNER", "MEMBER", "COLLABORATOR")
LIKELIHOODS: tuple[str, ...] = ("Most likely", "Possible", "Unlikely")  # a hypothesis's rank


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    author: str = ""
    url: str = ""
    labels: tuple[str, ...] = ()


def same_label(label: str) -> str:
    """A label as GitHub compares them: `Plan` and `plan` are one label."""
    return label.casefold()


def is_bot_account(user_type: str, login: str) -> bool:
    """GitHub marks App accounts `type: Bot`; their logins end in `[bot]`."""
    return user_type == "Bot" or login.endswith("[bot]")


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    author: str = ""
    author_type: str = "User"  # GitHub's user.type: "User", "Bot" or "Organization"
    association: str = "NONE"
    url: str = ""

    @property
    def by_bot(self) -> bool:
        return is_bot_account(self.author_type, self.author)


@dataclass(frozen=True)
class ReviewComment:
    """An inline comment of a pull-request review, with where it points."""

    body: str
    path: str
    line: int | None = None


@dataclass(frozen=True)
class TreeEntry:
    path: str
    size: int = 0
    sha: str = ""  # git's blob id, when GitHub gave one (the same text has the same id)


@dataclass(frozen=True)
class RepoTree:
    commit_sha: str
    entries: tuple[TreeEntry, ...]
    truncated: bool = False


@dataclass(frozen=True)
class Repository:
    full_name: str  # "owner/name"
    default_branch: str = "main"
    html_url: str = ""


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    head: str
    body: str = ""


ReactionTarget = tuple[Literal["issue", "comment"], int]


@dataclass(frozen=True)
class FoundIssue:
    """An issue or pull request of the repository that a search found."""

    number: int
    title: str
    state: str  # "open" or "closed"
    url: str
    body: str = ""
    pull_request: bool = False
    merged: bool = False  # a pull request that was merged


@dataclass(frozen=True)
class Comparison:
    """What changed between two commits of the repository (`base...head`)."""

    base: str  # commit shas
    head: str
    files: tuple[str, ...]  # changed paths; a renamed file under both names
    commits: int
    url: str = ""  # the comparison on GitHub


@dataclass(frozen=True)
class Usage:
    """Tokens one model call (or a sum of calls) used, what it cost, and the research
    turns and tool calls among them."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    research_turns: int = 0
    tool_calls: int = 0
    tool_errors: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            round(self.cost_usd + other.cost_usd, 6),
            self.research_turns + other.research_turns,
            self.tool_calls + other.tool_calls,
            self.tool_errors + other.tool_errors,
        )

    @property
    def total(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
        )


@dataclass(frozen=True)
class Hypothesis:
    title: str
    likelihood: str  # one of LIKELIHOODS
    evidence: tuple[str, ...] = ()
    where_to_look: tuple[str, ...] = ()  # repository paths, optionally "path:line"
    how_to_verify: str = ""


@dataclass(frozen=True)
class Task:
    title: str
    depends_on: tuple[int, ...] = ()  # 1-based numbers of earlier tasks
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snippet:
    path: str
    start_line: int
    end_line: int
    text: str
    score: float = 0.0


@dataclass(frozen=True)
class Site:
    """A line of the tree that holds what the issue quotes: its error or warning text (a
    literal or a format string), a line of code, or a literal value where it is defined."""

    path: str
    line: int
    code: str  # the line as the tree has it, stripped
    what: str  # "message", "code" or "value"
    quoted: str  # the issue's words found there


@dataclass(frozen=True)
class Findings:
    """What the search found beyond excerpts, for a planner that reads no files itself."""

    reasons: tuple[tuple[str, tuple[str, ...]], ...] = ()  # each ranked file, why it ranked
    sites: tuple[Site, ...] = ()
    definitions: tuple[tuple[str, str, int], ...] = ()  # (issue's name, file, line)
    tests: tuple[tuple[str, tuple[str, ...]], ...] = ()  # file, the test modules of it

    def why(self, path: str) -> tuple[str, ...]:
        return next((r for p, r in self.reasons if p == path), ())

    def tests_of(self, path: str) -> tuple[str, ...]:
        return next((t for p, t in self.tests if p == path), ())


@dataclass(frozen=True)
class RepoContext:
    """What a planner may know of the repository: every path, and the best excerpts."""

    commit_sha: str
    paths: frozenset[str]
    tree_summary: str = ""
    snippets: tuple[Snippet, ...] = ()
    languages: tuple[str, ...] = ()
    prompt_text: str = ""  # tree summary + snippets, already inside the token budget
    findings: Findings = field(default_factory=Findings)
    # The snapshot it was built from, which the research tools read (None: no repository).
    source: Snapshot | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PlanInput:
    """What stages 2 and 3 read: the (maybe edited) upstream documents and the repo."""

    problem_md: str
    context: RepoContext
    hypotheses_md: str = ""
    feedback: str = ""


@dataclass(frozen=True)
class HypothesesDraft:
    items: tuple[Hypothesis, ...]
    generator: str
    usage: Usage = field(default_factory=Usage)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TasksDraft:
    items: tuple[Task, ...]
    generator: str
    usage: Usage = field(default_factory=Usage)
    notes: tuple[str, ...] = ()
