"""`python -m bot plan|replay|demo|backtest|tool|check|jobs|retry`: planbot's command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _plan(args: argparse.Namespace) -> int:
    from bot.cli.plan import plan_from_payload

    folder = plan_from_payload(args.payload, args.repo_dir, args.out)
    print(f"documents written to {folder}")
    return 0


def _replay(args: argparse.Namespace) -> int:
    from bot.cli.replay import replay

    status, body = replay(args.file, args.event, args.url)
    print(f"{status} {json.dumps(body)}")
    return 0 if 200 <= status < 300 else 1


def _demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import demo

    return demo()


def _backtest(args: argparse.Namespace) -> int:
    from bot import settings as bot_settings
    from bot.cli.backtest import Model, backtest
    from bot.cli.model_backtest import NEEDS_KEY

    model = None
    if args.planner == "anthropic":
        settings = bot_settings.from_env()
        if not settings.anthropic_api_key:
            print(NEEDS_KEY, file=sys.stderr)
            return 2
        model = Model(settings, args.max_turns)
    cache = args.cache or Path(os.environ.get("PLANBOT_STATE_DIR", ".planbot")) / "backtest"
    results = backtest(args.cases, args.repos, cache, args.limit, args.json, model=model)
    return 1 if any(r.error or (r.model and r.model.error) for r in results) else 0


def _tool(args: argparse.Namespace) -> int:
    from bot.cli.tool import run_tool

    result = run_tool(args.repo_dir, args.name, args.arguments)
    print(result.text)
    return 1 if result.is_error else 0


def _check(args: argparse.Namespace) -> int:
    from bot import settings as bot_settings
    from bot.cli.check import FAIL, checks
    from bot.run.wiring import github_app

    settings = bot_settings.from_env()
    found = checks(settings, lambda: github_app(settings.app_id, settings.private_key,
                                                settings.github_api_url), args.model)
    for check in found:
        print(check.line())
    return 1 if any(c.status == FAIL for c in found) else 0


def _jobs(args: argparse.Namespace) -> int:
    from bot import settings as bot_settings
    from bot.cli.jobs import HEADER, failed
    from bot.state.connection import connect

    runs = failed(connect(bot_settings.from_env()))
    if not runs:
        print("no failed runs")
        return 0
    print(HEADER)
    for run in runs:
        print(run.line())
    print(f"\n{len(runs)} failed run(s); `python -m bot retry DELIVERY` or `--all-failed` "
          "runs them again")
    return 0


def _retry(args: argparse.Namespace) -> int:
    from bot import settings as bot_settings
    from bot.cli.jobs import failed, retry
    from bot.state.connection import connect

    connection = connect(bot_settings.from_env())
    wanted = [r.delivery for r in failed(connection)] if args.all_failed else args.delivery
    if not wanted:
        print("nothing to retry" if args.all_failed else "name a DELIVERY or --all-failed")
        return 0 if args.all_failed else 2
    lines = retry(connection, wanted)
    print("\n".join(lines))
    return 0 if all(" queued again " in line for line in lines) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="run the whole pipeline on a saved webhook payload")
    plan.add_argument("--payload", type=Path, required=True)
    plan.add_argument("--repo-dir", type=Path, help="a local checkout to ground the plan in")
    plan.add_argument("--out", type=Path, help="where the documents go "
                      "(default: PLANBOT_OUT/<owner>/<repo>/issue-<n>)")
    plan.set_defaults(func=_plan)
    replay = sub.add_parser("replay", help="sign and POST a saved payload to a receiver")
    replay.add_argument("file", type=Path)
    replay.add_argument("--event", help="X-GitHub-Event (default: from the file name)")
    replay.add_argument("--url", default="http://127.0.0.1:3000/webhook")
    replay.set_defaults(func=_replay)
    demo = sub.add_parser("demo", help="embedded Redis + web + worker + one real delivery")
    demo.set_defaults(func=_demo)
    backtest = sub.add_parser("backtest", help="score retrieval and offline hypotheses "
                              "against known fixes (cases as in Loc-Bench)")
    backtest.add_argument("--cases", type=Path, required=True,
                          help="JSON list of {repo, base_commit, title, body, gold_files}")
    backtest.add_argument("--repos", type=Path, required=True, help="a folder of clones: "
                          "OWNER+NAME/repo, OWNER/NAME or NAME, bare or not")
    backtest.add_argument("--limit", type=int, help="only the first N cases")
    backtest.add_argument("--cache", type=Path, help="where trees are laid out per commit "
                          "(default: PLANBOT_STATE_DIR/backtest)")
    backtest.add_argument("--json", type=Path, help="also write every case's rankings here")
    backtest.add_argument("--planner", choices=("offline", "anthropic"), default="offline",
                          help="anthropic: also the model's hypotheses, beside the offline "
                          "ones (needs ANTHROPIC_API_KEY)")
    backtest.add_argument("--max-turns", type=int, help="with --planner anthropic: research "
                          "turns (default: research.max_turns' default)")
    backtest.set_defaults(func=_backtest)
    tool = sub.add_parser("tool", help="run one research tool over a checkout and print "
                          "exactly what the model would receive (exit 1 for an error result)")
    tool.add_argument("--repo-dir", type=Path, default=Path("."), help="the checkout")
    tool.add_argument("name", help="search_code, grep, read_file, list_dir or find_symbol")
    tool.add_argument("arguments", nargs="?", default="{}", help="the tool's input as JSON")
    tool.set_defaults(func=_tool)
    check = sub.add_parser("check", help="every setting and dependency, one line each")
    check.add_argument("--model", action="store_true", help="also ask the model API about "
                       "PLANBOT_MODEL with ANTHROPIC_API_KEY (no tokens spent)")
    check.set_defaults(func=_check)
    jobs = sub.add_parser("jobs", help="list failed plan runs (kept for a week)")
    jobs.set_defaults(func=_jobs)
    retry = sub.add_parser("retry", help="run failed plan runs again")
    retry.add_argument("delivery", nargs="*", help="X-GitHub-Delivery ids (see `jobs`)")
    retry.add_argument("--all-failed", action="store_true", help="every failed run")
    retry.set_defaults(func=_retry)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except Exception as exc:  # the CLI's one edge: a clear line instead of a traceback
        print(f"planbot: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
