"""`python -m bench.github_budget`: what one plan costs in GitHub requests, and how long
delivery -> published takes with an instant model.

Each scenario is a user's flow, run by the worker's own wiring (bot.run.wiring.run_for:
PyGithub, the production pacing) with the planner an installation with an API key runs:
the Anthropic planner, against the loopback Messages API (which answers at once). A label
plans in branch mode; `/plan` plans in comment mode on a repository that asks for
comments. The loopback GitHub of the tests records every request. Token minting and the
archive download (the tarball redirect and its codeload fetch) are not counted: they are
not per-plan API spend.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis import Redis

from bot.intake.request import COMMENT, LABEL, PlanRequest
from bot.ports import GitHubApp
from bot.run.wiring import run_for, state_in
from bot.settings import Settings
from bot.state.connection import connect
from tests.loopback_anthropic import LoopbackAnthropic
from tests.loopback_github import LoopbackGitHub, Recorded, private_key_pem

REPO = "octo/widgets"
NUMBER = 7
NOT_COUNTED = frozenset({
    "POST /app/installations/{installation_id}/access_tokens",
    "GET /repos/{owner}/{repo}/tarball/{ref}",
    "GET codeload",
})
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
FILES = {
    "README.md": "# widgets\n\nSaves widgets to disk.\n",
    "widgets/save.py": "def save(widget, path):\n    with open(path, 'w') as f:\n"
                       "        f.write(widget.dump())\n",
    "widgets/model.py": "class Widget:\n    def dump(self):\n        return repr(self)\n",
    "tests/test_save.py": "from widgets.save import save\n\n\ndef test_save():\n    pass\n",
}
ISSUE_BODY = ("Saving a widget crashes.\n\n```\nTraceback (most recent call last):\n"
              '  File "widgets/save.py", line 3, in save\n'
              "    f.write(widget.dump())\nAttributeError: 'NoneType' object has no "
              "attribute 'dump'\n```\n\nExpected: the widget is saved.\n")


@dataclass(frozen=True)
class Spend:
    requests: int
    writes: int
    repeated_gets: int
    seconds: float
    cpu_seconds: float
    operations: tuple[str, ...]


def spend(recorded: list[Recorded], seconds: float, cpu: float) -> Spend:
    counted = [r for r in recorded if r.operation not in NOT_COUNTED]
    gets = Counter((r.path, tuple(sorted(r.query.items()))) for r in counted
                   if r.method == "GET")
    return Spend(len(counted), sum(r.method in WRITES for r in counted),
                 sum(n - 1 for n in gets.values()), seconds, cpu,
                 tuple(r.operation for r in counted))


def issue_snapshot(gh: LoopbackGitHub) -> dict[str, Any]:
    issue = gh.issue(REPO, NUMBER)
    return {"title": issue["title"], "body": issue["body"], "author": issue["user"]["login"],
            "url": issue["html_url"], "labels": [x["name"] for x in issue["labels"]]}


def repository_snapshot(gh: LoopbackGitHub) -> dict[str, Any]:
    return {"default_branch": "main", "html_url": f"{gh.world.root}/{REPO}"}


def label_request(gh: LoopbackGitHub, delivery: str) -> PlanRequest:
    return PlanRequest(delivery, REPO, NUMBER, LABEL, installation_id=1, sender="octocat",
                       association="", label="plan", issue=issue_snapshot(gh),
                       repository=repository_snapshot(gh))


def comment_request(gh: LoopbackGitHub, delivery: str, command: str) -> PlanRequest:
    comment_id = gh.add_comment(REPO, NUMBER, f"/plan {command}".strip())
    return PlanRequest(delivery, REPO, NUMBER, COMMENT, commands=((command or "plan", ""),),
                       installation_id=1, sender="octocat", association="OWNER",
                       comment_id=comment_id, issue=issue_snapshot(gh),
                       repository=repository_snapshot(gh))


def settings_for(gh: LoopbackGitHub, state: Path, model_url: str = "") -> Settings:
    """The worker's settings for the loopback GitHub; with `model_url`, an API key for the
    loopback Messages API there (else the offline planner)."""
    return Settings(app_id="42", private_key=private_key_pem(), github_api_url=gh.url,
                    state_dir=state, out_dir=state / "plans",
                    anthropic_api_key="bench-key" if model_url else "",
                    anthropic_base_url=model_url)


def measure(gh: LoopbackGitHub, settings: Settings, request: PlanRequest,
            app: GitHubApp | None, connection: Redis) -> Spend:
    """One job as the worker runs it moments after its delivery (`fresh`)."""
    start, cpu = len(gh.requests), time.process_time()
    began = time.perf_counter()
    run_for(settings, request, state_in(connection), app=app, fresh=True).handle()
    seconds = time.perf_counter() - began
    return spend(gh.requests[start:], seconds, time.process_time() - cpu)


@contextmanager
def world(config: str | None = None) -> Iterator[LoopbackGitHub]:
    with LoopbackGitHub() as gh:
        files = dict(FILES, **({".github/planbot.yml": config} if config else {}))
        gh.add_repo(REPO, files, installation_id=1)
        gh.add_issue(REPO, NUMBER, "Saving a widget crashes", ISSUE_BODY)
        gh.add_comment(REPO, NUMBER, "Happens on every save since 2.1.", author="alice",
                       association="MEMBER")
        yield gh


def scenarios(state: Path, connection: Redis,
              app: Callable[[LoopbackGitHub], GitHubApp | None] = lambda gh: None,
              ) -> dict[str, Spend]:
    """A label on a fresh issue (branch mode), then `/plan status`, `/plan` with nothing
    stale on it and `/plan handoff`; and `/plan` on a repository that asks for comments.
    `app` makes the App client for a loopback (None: the worker's own, paced as in
    production)."""
    results: dict[str, Spend] = {}
    with LoopbackAnthropic(paths=["widgets/save.py"]) as model:
        with world() as gh:
            settings, client = settings_for(gh, state / "branch", model.url), app(gh)

            def one(request: PlanRequest) -> Spend:
                return measure(gh, settings, request, client, connection)

            results["label → branch plan"] = one(label_request(gh, "d-branch"))
            results["/plan status"] = one(comment_request(gh, "d-status", "status"))
            results["second /plan, nothing stale"] = one(comment_request(gh, "d-again", ""))
            results["/plan handoff"] = one(comment_request(gh, "d-handoff", "handoff"))
            assert gh.errors == [], gh.errors
        with world("output: comments\n") as gh:
            results["/plan → comment plan"] = measure(
                gh, settings_for(gh, state / "comments", model.url),
                comment_request(gh, "d-comments", ""), app(gh), connection)
            assert gh.errors == [], gh.errors
        assert model.problems == [], model.problems
    return results


def table(results: dict[str, Spend]) -> str:
    lines = ["| scenario | requests | writes | repeated GETs | wall s | CPU s |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {name} | {s.requests} | {s.writes} | {s.repeated_gets} | {s.seconds:.2f} | "
              f"{s.cpu_seconds:.2f} |" for name, s in results.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", action="store_true", help="list each scenario's requests")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        # The queue's Redis, as a worker has it (embedded: no server to set up).
        connection = connect(Settings(state_dir=Path(tmp) / "redis"))
        results = scenarios(Path(tmp), connection)
    print(f"load average before: {load[0]:.2f} {load[1]:.2f}; after: "
          f"{os.getloadavg()[0]:.2f}")
    print(table(results))
    if args.calls:
        for name, s in results.items():
            print(f"\n{name}:\n  " + "\n  ".join(s.operations))


if __name__ == "__main__":
    main()
