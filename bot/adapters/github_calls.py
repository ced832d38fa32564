"""How one GitHub call goes: its errors made into GitHubError (with what GitHub said it
refused), and rate-limit answers honoured for the whole installation."""

from __future__ import annotations

import functools
import logging
import re
import time
import urllib.error
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

from github import GithubException

from bot.observe import metrics
from bot.ports import GitHubError, RateLimited, RequestBudget

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
RATE_LIMIT_TRIES = 5
SECONDARY_WAIT = 60.0
LAST_LINK = re.compile(r'<([^>]+)>;\s*rel="last"')


def _refusal(data: Any) -> str:
    """GitHub's message with the details of a 422 ("body: is too long"), which say what
    was refused."""
    if not isinstance(data, dict):
        return ""
    details = [f"{e.get('field', '')}: {e.get('message') or e.get('code', '')}".strip(": ")
               for e in data.get("errors") or [] if isinstance(e, dict)]
    message = str(data.get("message") or "")
    return f"{message} ({'; '.join(details)})" if details and message else message


def too_large(exc: GithubException) -> bool:
    """GitHub's 403 for a file the contents API will not serve (over 100 MB, or a blob
    it refuses): `errors[].code == "too_large"`, not a permission problem."""
    data = exc.data if isinstance(exc.data, dict) else {}
    codes = {e.get("code") for e in data.get("errors") or [] if isinstance(e, dict)}
    return exc.status == 403 and ("too_large" in codes or "too large" in str(
        data.get("message", "")).lower())


def rate_limit_wait(exc: GithubException) -> float | None:
    """Seconds GitHub asks us to wait, when `exc` is a rate-limit answer (primary or
    secondary); None for any other refusal (a 403 for permissions or `too_large`)."""
    if exc.status not in (403, 429):
        return None
    headers = {k.lower(): str(v) for k, v in (exc.headers or {}).items()}
    if headers.get("retry-after", "").isdigit():
        return float(headers["retry-after"])
    if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset"):
        return max(1.0, float(headers["x-ratelimit-reset"]) - time.time())
    message = exc.data.get("message", "") if isinstance(exc.data, dict) else ""
    if exc.status == 429 or "rate limit" in str(message).lower():
        return SECONDARY_WAIT  # GitHub's advice without a header: at least a minute
    return None


class Budgeted(Protocol):
    """A repository client with its installation's budget (bot.adapters.github.PyGitHubRepo)."""

    _budget: RequestBudget

    def _observe(self) -> None: ...


S = TypeVar("S", bound=Budgeted)


def budgeted(call: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """A port call within the installation's budget: it waits while GitHub asked the
    installation to, and a rate-limit answer blocks the installation (every worker) for
    the time GitHub names, then the call is made again: a write GitHub refused for a
    rate limit was not made. Never fails the plan: a long wait is RateLimited (requeue)."""

    @functools.wraps(call)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, RATE_LIMIT_TRIES + 1):
            self._budget.before_read()
            metrics.add("planbot_github_requests", call=call.__name__)
            try:
                return call(self, *args, **kwargs)
            except GithubException as exc:
                wait = rate_limit_wait(exc)
                if wait is None:
                    raise
                metrics.add("planbot_github_rate_limit_waits", reason="github")
                log.warning("GitHub rate limit on %s: waiting %.0f s", call.__name__, wait)
                self._budget.block(wait)
                if attempt == RATE_LIMIT_TRIES:  # still limited: requeue, never fail
                    raise RateLimited(time.time() + wait) from exc
            finally:
                self._observe()
        raise AssertionError("unreachable")

    return wrapper


def translated(call: Callable[P, R]) -> Callable[P, R]:
    """The one place where PyGithub's and the network's exceptions become GitHubError."""

    @functools.wraps(call)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return call(*args, **kwargs)
        except GithubException as exc:
            message = _refusal(exc.data) or exc.message or "request failed"
            raise GitHubError(f"GitHub {call.__name__}: {exc.status} {message}", exc.status) \
                from exc
        except urllib.error.HTTPError as exc:
            raise GitHubError(f"GitHub {call.__name__}: {exc.code} {exc.reason}", exc.code) \
                from exc
        except OSError as exc:  # connection failures (requests' errors are OSErrors too)
            raise GitHubError(f"GitHub {call.__name__}: {exc}") from exc

    return wrapper



def last_page(link: str) -> int:
    """The last page number of a Link header (1 when there is no other page)."""
    match = LAST_LINK.search(link)
    pages = parse_qs(urlsplit(match[1]).query).get("page") if match else None
    return int(pages[0]) if pages and pages[0].isdigit() else 1
