"""Process settings, read once from the environment into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# A current Sonnet that anthropic 2.10 does not list in DEPRECATED_MODELS.
DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_API_URL = "https://api.github.com"


class SettingsError(RuntimeError):
    """A required setting is missing or unreadable; the process must not start."""


@dataclass(frozen=True)
class Settings:
    webhook_secret: str = ""
    app_id: str = ""
    private_key: str = ""
    github_api_url: str = DEFAULT_API_URL
    redis_url: str = ""
    anthropic_api_key: str = ""
    anthropic_base_url: str = ""
    model: str = DEFAULT_MODEL
    out_dir: Path = Path("plans")
    state_dir: Path = Path(".planbot")
    repo_dir: Path | None = None  # dry-run mode: a local checkout to plan against
    log_level: str = "INFO"
    # GitHub caps deliveries at 25 MB; issue and comment events are far smaller.
    # 5 MiB leaves room for huge issue bodies while bounding memory per request.
    max_body_bytes: int = 5 * 1024 * 1024

    @property
    def dry_run(self) -> bool:
        """Without an App id there is nobody to authenticate as: write files instead."""
        return not self.app_id

    @property
    def offline_planner(self) -> bool:
        return not self.anthropic_api_key

    def require_webhook_secret(self) -> None:
        # Fail closed: a receiver without a secret would accept forged deliveries.
        if not self.webhook_secret:
            raise SettingsError("WEBHOOK_SECRET is not set; refusing to start the web tier")


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
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
        redis_url=env.get("REDIS_URL", ""),
        anthropic_api_key=env.get("ANTHROPIC_API_KEY", ""),
        anthropic_base_url=env.get("ANTHROPIC_BASE_URL", ""),
        model=env.get("PLANBOT_MODEL", DEFAULT_MODEL),
        out_dir=Path(env.get("PLANBOT_OUT", "plans")),
        state_dir=Path(env.get("PLANBOT_STATE_DIR", ".planbot")),
        repo_dir=Path(env["PLANBOT_REPO_DIR"]) if env.get("PLANBOT_REPO_DIR") else None,
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
    )
