"""`GET /setup`: register planbot's GitHub App from its manifest in a few clicks (Probot's way).

Served only while no App is configured: the button posts app.yml (URLs filled in) to
GitHub's "new App" page; GitHub sends the browser back to /setup/callback with a code,
which is exchanged for the App id, private key and webhook secret, written to `.env`.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from dotenv import dotenv_values
from flask import Blueprint, Response, render_template_string, request

from bot.ports import AppCredentials, GitHubError
from bot.settings import DEFAULT_API_URL, Settings
from bot.setup import envfile
from bot.setup.manifest import manifest, registration_url

log = logging.getLogger("planbot.setup")
STATE_SECONDS = 3600  # GitHub's codes live an hour; so does a registration attempt

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>planbot setup</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .2em}button{font-size:1rem;padding:.5em 1em}</style>
</head><body>{% block body %}{% endblock %}</body></html>"""

START = PAGE.replace("{% block body %}{% endblock %}", """
<h1>Set up planbot</h1>
<p>planbot has no GitHub App yet. Register one from planbot's manifest: GitHub shows you
what it asks for (read and write on contents, issues and pull requests; the issue, comment,
pull request and review events) before you confirm.</p>
<p>Webhooks will go to <code>{{ webhook }}</code>. GitHub must be able to reach that address
(set <code>PLANBOT_PUBLIC_URL</code> if it is not the one in your browser).</p>
<form action="{{ action }}" method="post">
  <input type="hidden" name="manifest" value="{{ manifest }}">
  <button id="register" type="submit">Register the GitHub App
    {%- if org %} for {{ org }}{% endif %}</button>
</form>
<form action="/setup" method="get"><p>For an organization instead:
  <input name="org" value="{{ org }}" placeholder="organization" aria-label="organization">
  <button type="submit">Use it</button></p></form>
""")

DONE = PAGE.replace("{% block body %}{% endblock %}", """
<h1>The App {{ name }} is registered</h1>
<p>Its id, private key and webhook secret are in <code>{{ env_file }}</code> (readable by
its owner only).</p>
<ol>
  <li><a id="install" href="{{ install }}">Install the App</a> on the repositories to plan.</li>
  <li>Restart planbot (the web tier and every worker) so they read <code>{{ env_file }}</code>.</li>
  <li>Run <code>python -m bot check</code>: every line should say ok.</li>
</ol>
""")

MESSAGE = PAGE.replace("{% block body %}{% endblock %}", "<h1>{{ title }}</h1><p>{{ text }}</p>")

Exchange = Callable[[str, str], AppCredentials]


def _states(settings: Settings) -> Path:
    return settings.state_dir / "setup-states"


def _new_state(settings: Settings) -> str:
    folder = _states(settings)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / token).touch()
    return token


def _take_state(settings: Settings, token: str) -> bool:
    """True once for a state this page handed out within the hour (CSRF protection)."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return False
    path = _states(settings) / token
    try:
        fresh = time.time() - path.stat().st_mtime < STATE_SECONDS
        path.unlink()
    except OSError:
        return False
    return fresh


def _message(status: int, title: str, text: str) -> Response:
    return Response(render_template_string(MESSAGE, title=title, text=text), status)


def blueprint(settings: Settings, exchange: Exchange) -> Blueprint:
    """The setup routes; `exchange(api_url, code)` is the adapter's manifest conversion."""
    pages = Blueprint("setup", __name__)

    @pages.get("/setup")
    def start() -> Response:
        if settings.env_file.is_file() and dotenv_values(settings.env_file).get("APP_ID"):
            return _message(409, "An App is registered already",
                            f"{settings.env_file} holds its APP_ID: restart planbot (the web "
                            "tier and every worker) to use it.")
        base = settings.public_url or request.host_url.rstrip("/")
        org = request.args.get("org", "").strip()
        data = manifest(base)
        action = f"{registration_url(settings.github_url, org)}?state={_new_state(settings)}"
        html = render_template_string(START, action=action, org=org, webhook=f"{base}/webhook",
                                      manifest=json.dumps(data))
        return Response(html, 200)

    @pages.get("/setup/callback")
    def callback() -> Response:
        if not _take_state(settings, request.args.get("state", "")):
            return _message(400, "This link has expired",
                            "Start again from /setup: each registration link works once, "
                            "for an hour.")
        try:
            app = exchange(settings.github_api_url, request.args.get("code", ""))
        except GitHubError as exc:
            log.warning("setup: GitHub refused the manifest code: %s", exc)
            return _message(502, "GitHub did not confirm the App",
                            f"{exc}. Start again from /setup.")
        values = {"APP_ID": str(app.id), "PRIVATE_KEY": app.pem,
                  "WEBHOOK_SECRET": app.webhook_secret}
        if settings.github_api_url != DEFAULT_API_URL:
            values |= {"GITHUB_API_URL": settings.github_api_url,
                       "GITHUB_URL": settings.github_url}
        envfile.write(settings.env_file, values)
        log.info("setup: App %s (id %s) registered; credentials written to %s",
                 app.slug, app.id, settings.env_file)  # never the key or the secret
        html = render_template_string(DONE, name=app.name, env_file=str(settings.env_file),
                                      install=f"{app.html_url}/installations/new")
        return Response(html, 200)

    @pages.get("/setup/installed")
    def installed() -> Response:
        return _message(200, "planbot is installed",
                        "Restart planbot if you have not yet, then label an issue `plan`.")

    return pages
