"""Settings from the environment (and `.env`) in a frozen object: read once by the web tier
and by the worker process, and again by the worker for each job (workers.jobs.run_plan)."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from dotenv import dotenv_values

# A current Sonnet that anthropic 2.10 does not list in DEPRECATED_MODELS.
DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_WEB_URL = "https://github.com"
ENV_FILE = ".env"
LOG_FORMATS = ("text", "json")


class SettingsError(RuntimeError):
    """A setting is missing, unreadable or malformed; the process must not start.

    The message starts with the variable's name and says what to set."""


@dataclass(frozen=True)
class Settings:
    webhook_secret: str = ""
    app_id: str = ""
    private_key: str = ""
    github_api_url: str = DEFAULT_API_URL
    github_url: str = DEFAULT_WEB_URL  # the web address, for the setup page (GHES: https://HOST)
    public_url: str = ""  # where GitHub reaches this web tier; else taken from the request
    redis_url: str = ""
    anthropic_api_key: str = ""
    anthropic_base_url: str = ""
    model: str = DEFAULT_MODEL
    out_dir: Path = Path("plans")
    state_dir: Path = Path(".planbot")
    repo_dir: Path | None = None  # dry-run mode: a local checkout to plan against
    env_file: Path = Path(ENV_FILE)
    log_level: str = "INFO"
    log_format: str = "text"
    monthly_usd: str = ""  # PLANBOT_MONTHLY_USD as written; `monthly_cap` is its value
    # GitHub caps deliveries at 25 MB; issue and comment events are far smaller.
    # 5 MiB leaves room for huge issue bodies while bounding memory per request.
    max_body_bytes: int = 5 * 1024 * 1024

    @property
    def dry_run(self) -> bool:
        """Without an App id there is nobody to authenticate as: write files instead."""
        return not self.app_id

    def dry_run_folder(self, repo: str, number: int) -> Path:
        """Where dry-run mode writes an issue's documents and the comments it would post."""
        return self.out_dir / repo / f"issue-{number}"

    @property
    def monthly_cap(self) -> float | None:
        """The cap on each installation's estimated model spend a calendar month (UTC), in
        US dollars; None: no cap (unset, or malformed, which `problems` reports)."""
        try:
            cap = float(self.monthly_usd)
        except ValueError:
            return None
        return cap if cap > 0 and math.isfinite(cap) else None

    @property
    def offline_planner(self) -> bool:
        return not self.anthropic_api_key

    @property
    def needs_setup(self) -> bool:
        """No App registered yet: the web tier serves only the setup page."""
        return not self.app_id and not self.webhook_secret

    def require_webhook_secret(self) -> None:
        # Fail closed: a receiver without a secret would accept forged deliveries.
        if not self.webhook_secret:
            raise SettingsError("WEBHOOK_SECRET is not set; refusing to start the web tier")

    def require_valid(self) -> None:
        """Raise SettingsError for the first malformed setting (cheap checks, no I/O)."""
        found = problems(self)
        if found:
            raise SettingsError(found[0])


def _url(name: str, value: str, schemes: tuple[str, ...]) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        return f"{name}={value!r} is not a {' or '.join(schemes)} URL"
    return None


def key_problem(pem: str) -> str | None:
    """Why `pem` is not a usable GitHub App private key, or None."""
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        return (f"could not be parsed as a PEM private key ({exc.__class__.__name__}); use the "
                "whole .pem file GitHub generated, from -----BEGIN to -----END")
    if not isinstance(key, rsa.RSAPrivateKey):
        return "is not an RSA key; GitHub App keys are RSA"
    return None


def problems(settings: Settings) -> list[str]:
    """Every malformed setting, each naming its variable and what to set."""
    found: list[str] = []
    if settings.app_id and not settings.app_id.isdigit():
        found.append(f"APP_ID={settings.app_id!r} is not a number; use the App ID shown on "
                     "the App's settings page")
    if settings.app_id:
        why = key_problem(settings.private_key)
        if why:
            found.append(f"PRIVATE_KEY (or PRIVATE_KEY_PATH) {why}")
    for name, value, schemes in (
            ("GITHUB_API_URL", settings.github_api_url, ("https", "http")),
            ("GITHUB_URL", settings.github_url, ("https", "http")),
            ("PLANBOT_PUBLIC_URL", settings.public_url, ("https", "http")),
            ("REDIS_URL", settings.redis_url, ("redis", "rediss", "unix")),
            ("ANTHROPIC_BASE_URL", settings.anthropic_base_url, ("https", "http"))):
        if value:
            found += [p for p in [_url(name, value, schemes)] if p]
    if not isinstance(logging.getLevelName(settings.log_level), int):
        found.append(f"LOG_LEVEL={settings.log_level!r} is not a level; use DEBUG, INFO, "
                     "WARNING or ERROR")
    if settings.monthly_usd and settings.monthly_cap is None:
        found.append(f"PLANBOT_MONTHLY_USD={settings.monthly_usd!r} is not an amount; use a "
                     "number of US dollars above 0, such as 50, or leave it unset for no cap")
    if settings.log_format not in LOG_FORMATS:
        found.append(f"LOG_FORMAT={settings.log_format!r}: use text or json")
    return found


def environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment over the `.env` file (like Probot, and docker compose's
    env_file): a variable set in the environment wins."""
    if env is not None:
        return dict(env)
    path = Path(os.environ.get("PLANBOT_ENV_FILE", ENV_FILE))
    from_file = {k: v for k, v in dotenv_values(path).items() if v is not None} \
        if path.is_file() else {}
    return {**from_file, **os.environ}


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = environment(env)
    key = env.get("PRIVATE_KEY", "")
    key_path = env.get("PRIVATE_KEY_PATH", "")
    if not key and key_path:
        try:
            key = Path(key_path).read_text()
        except OSError as exc:
            raise SettingsError(f"PRIVATE_KEY_PATH {key_path!r} is unreadable: {exc}") from exc
    if env.get("APP_ID") and not key:
        raise SettingsError("APP_ID is set but neither PRIVATE_KEY nor PRIVATE_KEY_PATH is")
    return Settings(
        webhook_secret=env.get("WEBHOOK_SECRET", ""),
        app_id=env.get("APP_ID", ""),
        # Env files often carry the PEM with literal \n; PyGithub needs real newlines.
        private_key=key.replace("\\n", "\n"),
        github_api_url=env.get("GITHUB_API_URL", DEFAULT_API_URL).rstrip("/"),
        github_url=env.get("GITHUB_URL", DEFAULT_WEB_URL).rstrip("/"),
        public_url=env.get("PLANBOT_PUBLIC_URL", "").rstrip("/"),
        redis_url=env.get("REDIS_URL", ""),
        anthropic_api_key=env.get("ANTHROPIC_API_KEY", ""),
        anthropic_base_url=env.get("ANTHROPIC_BASE_URL", ""),
        model=env.get("PLANBOT_MODEL", DEFAULT_MODEL),
        out_dir=Path(env.get("PLANBOT_OUT", "plans")),
        state_dir=Path(env.get("PLANBOT_STATE_DIR", ".planbot")),
        repo_dir=Path(env["PLANBOT_REPO_DIR"]) if env.get("PLANBOT_REPO_DIR") else None,
        env_file=Path(env.get("PLANBOT_ENV_FILE", ENV_FILE)),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        log_format=env.get("LOG_FORMAT", "text").lower(),
        monthly_usd=env.get("PLANBOT_MONTHLY_USD", "").strip().removeprefix("$"),
    )
