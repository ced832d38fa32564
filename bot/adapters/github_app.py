"""The GitHub App through PyGithub: its JWTs and installation clients, and the one-time
exchange of a manifest's code for the App's credentials."""

from __future__ import annotations

from urllib.parse import quote

from github import Auth, Github, GithubIntegration
from urllib3.util.retry import Retry

from bot.adapters.github import PER_PAGE, PyGitHubRepo
from bot.adapters.github_calls import translated
from bot.domain import Repository
from bot.ports import AppCredentials, AppIdentity, GitHub, GitHubApp, RequestBudget


@translated
def convert_manifest(api_url: str, code: str) -> AppCredentials:
    """Exchange the one-hour code GitHub sent after registering the App from its manifest
    for the App's id, private key and webhook secret (no authentication: the code is it)."""
    client = Github(base_url=api_url.rstrip("/"), retry=None)
    try:
        _, data = client.requester.requestJsonAndCheck(
            "POST", f"/app-manifests/{quote(code, safe='')}/conversions")
    finally:
        client.close()
    return AppCredentials(int(data["id"]), str(data["slug"]), str(data["name"]),
                          str(data["html_url"]), str(data["pem"]), str(data["webhook_secret"]))


class PyGitHubApp(GitHubApp):
    """The App: mints JWTs and installation tokens (PyGithub does both) and caches clients.

    One `Github` per installation, kept for the life of the process, so every job on
    that installation reuses its token until PyGithub sees it near expiry.
    """

    def __init__(self, app_id: str, private_key: str, base_url: str, *,
                 polite: bool = True) -> None:
        # PyGithub's own pacing is off: it sleeps per client and per process, so it neither
        # keeps several workers within an installation's limits nor lets one use idle
        # budget; the installation's RequestBudget (bot.state.github_budget) paces instead.
        # polite: retry 5xx answers to idempotent requests only (a POST whose answer was
        # lost may have been done: it is reconciled, never sent twice); off for loopbacks.
        self._integration = GithubIntegration(
            auth=Auth.AppAuth(app_id, private_key),
            base_url=base_url.rstrip("/"),
            lazy=True,  # objects fetch on first attribute read: no GET before every write
            per_page=PER_PAGE,
            retry=Retry(total=3, backoff_factor=0.5, status_forcelist=range(500, 600),
                        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,
                        raise_on_status=False) if polite else None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        self._clients: dict[int, Github] = {}
        # Conditional reads' ETags for every run of this process (its worker's lifetime).
        self._etags: dict[tuple[str, str, str], tuple[str, str]] = {}

    @translated
    def identity(self) -> AppIdentity:
        app = self._integration.get_app()
        return AppIdentity(app.name, app.slug, self._integration.get_installations().totalCount)

    @translated
    def installation_id(self, full_name: str) -> int:
        owner, name = full_name.split("/", 1)
        return int(self._integration.get_repo_installation(owner, name).id)

    def client(self, installation_id: int, full_name: str,
               known: Repository | None = None, budget: RequestBudget | None = None,
               ) -> GitHub:
        if installation_id not in self._clients:
            self._clients[installation_id] = self._integration.get_github_for_installation(
                installation_id)
        return PyGitHubRepo(self._clients[installation_id], full_name, known, budget,
                            self._etags)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._integration.close()

    def __enter__(self) -> PyGitHubApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
