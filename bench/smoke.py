"""Every bench at a tiny size, so a bench that breaks fails CI (`make bench-smoke`, run by .ci/run).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/smoke.py

Each bench runs in a process of its own, with the command line a person would type, on a database of
its own (several benches empty or delete what they measure): on PostgreSQL `<DATABASE_URL's
database>_smoke_bench` on the same server, made afresh and dropped at the end; without DATABASE_URL,
the SQLite file var/bench/smoke_bench, deleted at the end. REDIS_URL, when set, is the broker of the
benches that queue tasks. The sizes are tiny: the figures mean nothing, only that every bench still
runs to the end and prints its reference (a line saying "reference"; bench/seed.py and seed_cases.py
only make data). Exits non-zero if any bench failed.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TIMEOUT_SECONDS = 300
# They make the data the others measure: their times are printed for information, without a reference.
DATA_MAKERS = {"seed.py", "seed_cases.py"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def benches(port: int) -> list[tuple[str, list[str]]]:
    """(script, arguments) in the order they run: the register is seeded first, import.py (which empties
    it) runs last."""
    return [
        ("seed.py", ["--count", "400"]),
        ("seed_cases.py", []),
        ("refresh.py", ["--sample", "50"]),
        ("pages.py", ["--count", "400", "--requests", "3"]),
        ("load.py", ["--count", "400", "--rate", "5", "--seconds", "2", "--workers", "1", "--port", str(port)]),
        (
            "locust_run.py",
            ["--count", "400", "--seconds", "2", "--users", "6", "--rate", "5", "--workers", "1", "--port", str(port)],
        ),
        ("mix_requests.py", ["--count", "400", "--requests", "2"]),
        ("ceremonies.py", ["--count", "400", "--runs", "2", "--events", "5,20"]),
        ("event_pages.py", ["--count", "400", "--participants", "60", "--requests", "2"]),
        ("certificates.py", ["--count", "5"]),
        ("plan.py", ["--count", "400", "--operators", "1"]),
        ("invitations.py", ["--count", "20"]),
        ("mail.py", ["--count", "20"]),
        ("export.py", ["--rows", "300"]),
        ("pension_papers.py", ["--dpcp", "3", "--rows", "5"]),
        ("family_import.py", ["--employees", "100"]),
        ("xlsx_read.py", ["--rows", "300"]),
        ("import.py", ["--rows", "300", "--dje-rows", "50"]),
    ]


def database_prepare() -> tuple[str, object]:
    """The DATABASE_URL of the smoke run's own database, made empty, and a function that removes it."""
    import environ

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = ROOT / "var" / "bench" / "smoke_bench"
        path.parent.mkdir(parents=True, exist_ok=True)

        def remove_file() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        remove_file()
        return f"sqlite:///{path}", remove_file

    config = environ.Env.db_url_config(url)
    if not config["ENGINE"].endswith("postgresql"):
        raise SystemExit(f"bench/smoke.py runs on PostgreSQL or SQLite, not {config['ENGINE']}")
    import psycopg2

    name = f"{config['NAME']}_smoke_bench"

    def admin(statement: str) -> None:
        connection = psycopg2.connect(
            dbname="postgres",
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    base, _slash, _old = url.partition("?")[0].rpartition("/")
    return f"{base}/{name}", lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="run only these benches (e.g. pages.py mail.py)")
    parser.add_argument("--keep", action="store_true", help="keep the smoke database afterwards")
    args = parser.parse_args()

    database_url, remove = database_prepare()
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    print(f"bench smoke run on {database_url.rpartition('@')[2]}", flush=True)
    results = []
    started = time.perf_counter()
    try:
        for script, arguments in benches(free_port()):
            if args.only and script not in args.only:
                continue
            command = [sys.executable, str(BENCH / script), *arguments]
            print(f"\n==> bench/{script} {' '.join(arguments)}", flush=True)
            start = time.perf_counter()
            try:
                done = subprocess.run(
                    command,
                    cwd=ROOT,
                    env=env,
                    timeout=TIMEOUT_SECONDS,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    check=False,
                )
                print(done.stdout, end="", flush=True)
                ok = done.returncode == 0
                why = "" if ok else f"exit code {done.returncode}"
                if ok and script not in DATA_MAKERS and "reference" not in done.stdout.lower():
                    ok, why = False, "printed no reference"
            except subprocess.TimeoutExpired as timeout:
                # TimeoutExpired holds bytes whatever text=True says.
                print((timeout.stdout or b"").decode(errors="replace"), end="", flush=True)
                ok, why = False, f"still running after {TIMEOUT_SECONDS} s"
            results.append((script, ok, time.perf_counter() - start, why))
    finally:
        if not args.keep:
            remove()

    print(f"\nbench smoke: {len(results)} benches in {time.perf_counter() - started:.0f} s")
    for script, ok, seconds, why in results:
        print(f"  {'ok    ' if ok else 'FAILED'} bench/{script:<18} {seconds:6.1f} s  {why}")
    if not all(ok for _script, ok, _seconds, _why in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
