"""A copy of this tree for the tests that start the application as a person would (`make run`, run_all)."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

# Only what a person's shell has: none of the suite's own settings (DATABASE_URL, REDIS_URL, SECRET_KEY,
# MAKEFLAGS of `make test`...) may reach the application.
PERSON_ENV = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TERM", "TMPDIR")


def person_env(**extra: str) -> dict[str, str]:
    """A person's shell environment (PERSON_ENV), plus `extra`."""
    return {name: os.environ[name] for name in PERSON_ENV if name in os.environ} | extra


def tree_copy(destination: Path, *, uncommitted: bool = False) -> Path:
    """The committed files (with `uncommitted`, also the files not yet committed, minus the ignored), copied
    with their times (so make does not reinstall) into `destination`, beside this tree's .venv, without var/."""
    listing = ["git", "ls-files", "-z"] + (["--cached", "--others", "--exclude-standard"] if uncommitted else [])
    files = subprocess.run(listing, cwd=settings.BASE_DIR, check=True, capture_output=True, text=True).stdout
    for name in filter(None, files.split("\0")):
        source = settings.BASE_DIR / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    (destination / ".venv").symlink_to(settings.BASE_DIR / ".venv")
    assert not (destination / "var").exists()
    return destination
