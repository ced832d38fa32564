"""The production install as an operator makes it: a virtualenv of requirements.txt alone,
and the README's own production commands.

The dev requirements pull in packages production may need too (gunicorn's gevent worker
once needed `packaging`, which only the test tools installed), so nothing here uses the
test suite's environment. The virtualenv is cached by the hash of requirements.txt and
the Python version, outside the tree: a changed pin builds a new one, an unchanged one
costs nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.e2e import ROOT

REQUIREMENTS = ROOT / "requirements.txt"
# The README section an operator follows, and the one code block in it.
_PROCESSES = re.compile(r"^### Processes\n+```sh\n(.*?)```", re.MULTILINE | re.DOTALL)
_COMPLETE = ".installed"


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "planbot"


def production_venv() -> Path:
    """A virtualenv holding what `pip install -r requirements.txt` installs, and nothing else."""
    version = f"py{sys.version_info.major}{sys.version_info.minor}"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]
    folder = cache_folder() / f"production-venv-{version}-{digest}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / "production-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once build it once
        if not (folder / _COMPLETE).exists():
            _build(folder)
            for older in folder.parent.glob(f"production-venv-{version}-*"):
                if older != folder:  # requirements.txt changed since: not needed again
                    shutil.rmtree(older, ignore_errors=True)
    return folder


def _build(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    done = subprocess.run(
        [str(folder / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
         "-r", str(REQUIREMENTS)], capture_output=True, text=True, env=clean_environment(folder))
    if done.returncode != 0:
        raise RuntimeError(f"pip install -r requirements.txt failed:\n{done.stderr[-3000:]}")
    (folder / _COMPLETE).touch()


def clean_environment(venv: Path) -> dict[str, str]:
    """The environment of a shell with the virtualenv activated, and no planbot settings or
    Python paths of the test run's own."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
            "PIP_FIND_LINKS", "PIP_CONFIG_FILE")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["PATH"] = f"{venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def readme_commands() -> list[str]:
    """The commands of the README's "Processes" block, comments stripped."""
    found = _PROCESSES.search((ROOT / "README.md").read_text())
    if found is None:
        raise AssertionError("README.md has no '### Processes' section with a sh block")
    lines = (line.split("  #", 1)[0].strip() for line in found.group(1).splitlines())
    return [line for line in lines if line]


def readme_command(starts: str) -> list[str]:
    """The README's production command that starts with `starts`, as argv."""
    for line in readme_commands():
        if line.startswith(starts):
            return shlex.split(line)
    raise AssertionError(f"README.md's Processes block has no command starting {starts!r}")
