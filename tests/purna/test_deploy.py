"""The production stack's files: docker-compose.yml is valid and complete, the Procfile runs all three
processes. No Docker engine is needed: `docker-compose config` only reads and checks the file."""

import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR
COMPOSE = shutil.which("docker-compose")
REQUIRED = {
    "SECRET_KEY": "compose-check-secret-not-used-anywhere-" + "x" * 20,
    "ALLOWED_HOSTS": "purna.example.go.id",
    "POSTGRES_PASSWORD": "compose-check-password",
}
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="docker-compose is not installed (CI installs it)")


@pytest.fixture
def compose(tmp_path):
    """Run docker-compose on the project's file with exactly the variables given (no shell, no .env file)."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.touch()
    base = {key: value for key, value in os.environ.items() if key not in REQUIRED and not key.startswith("COMPOSE_")}

    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            [COMPOSE, "--env-file", str(empty_env_file), "-f", "docker-compose.yml", *args],
            cwd=BASE_DIR,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


@needs_compose
def test_compose_file_is_valid(compose):
    result = compose("config", "--quiet", env=REQUIRED)

    assert result.returncode == 0, result.stderr


@needs_compose
def test_compose_defines_the_whole_stack(compose):
    result = compose("config", "--services", env=REQUIRED)

    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


@needs_compose
@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_compose_refuses_to_run_without_a_required_variable(compose, missing):
    env = {name: value for name, value in REQUIRED.items() if name != missing}

    result = compose("config", "--quiet", env=env)

    assert result.returncode != 0
    assert missing in result.stderr


@needs_compose
def test_compose_runs_production_settings(compose):
    result = compose("config", env=REQUIRED)

    assert result.returncode == 0, result.stderr
    config = result.stdout
    assert 'DEBUG: "false"' in config or "DEBUG: 'false'" in config
    assert "service_completed_successfully" in config
    assert "image: postgres:16" in config
    assert "image: redis:7" in config
    assert "pg_isready" in config
    assert "redis-cli" in config
    assert "/healthz" in config
    for command in ("purna.wsgi", "--max-tasks-per-child=100", "default,pdf,email", "beat"):
        assert command in config


def test_dockerfile_builds_a_slim_non_root_image():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.MULTILINE)
    assert "pip install -r requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in dockerfile


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()

    assert {".git", ".venv", "var", ".env"} <= set(ignored)


def test_procfile_runs_web_worker_and_beat():
    processes = dict(
        line.split(":", 1)
        for line in (BASE_DIR / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )

    assert {"web", "worker", "beat"} <= set(processes)
    assert "runserver" in processes["web"] or "gunicorn" in processes["web"]
    assert "celery -A purna worker" in processes["worker"]
    assert "default,pdf,email" in processes["worker"]
    assert "celery -A purna beat" in processes["beat"]


def test_gunicorn_timeout_is_explicit_and_the_same_in_the_dockerfile_and_compose():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    compose_file = (BASE_DIR / "docker-compose.yml").read_text()

    in_dockerfile = re.findall(r'"--timeout=(\d+)"', dockerfile)
    in_compose = re.findall(r"- --timeout=(\d+)", compose_file)

    # Documents and exports render in Celery: no request needs more than the timeout, which stays short.
    assert len(in_dockerfile) == len(in_compose) == 1 and in_dockerfile == in_compose
    assert 0 < int(in_dockerfile[0]) <= 120
