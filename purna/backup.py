"""Backups of a whole Purna instance, and their restore: the database plus the media and private files.

One archive (`purna-backup-<UTC time>.tar.gz`) holds:

- `manifest.json`: format version, when it was made, the database engine, the Django migrations
  applied, and the SHA-256 of every other file in the archive;
- `database.dump` (PostgreSQL: `pg_dump --format=custom`, one consistent snapshot while the site runs)
  or `database.sqlite3` (SQLite: the sqlite3 module's online backup API, consistent while the site
  writes);
- `media/...` and `private/...`: MEDIA_ROOT and PRIVATE_MEDIA_ROOT as they are on disk.

The database is copied first and the folders after it, so every file a row names is in the archive (a
file written meanwhile is an orphan, harmless). The archive is written under a temporary name and
renamed when complete, so a half-written one never looks like a backup.

A restore checks every file of the archive against the manifest before it touches anything, and
writes only into an empty database (no tables at all) and empty folders: restoring over a live
instance must be asked for (`force`), and then empties them first. PostgreSQL is restored with
`pg_restore --single-transaction --exit-on-error`: all of it or nothing. The `pg_dump` / `pg_restore`
client must be at least the server's major version (the Dockerfile installs the one of
docker-compose.yml's PostgreSQL).

Interfaces (manage.py backup / restore, `make backup` / `make restore`) only call `backup_create` and
`backup_restore`; the database is named by a Django settings dict (`connection.settings_dict`), so a
test can restore into a scratch database.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
POSTGRESQL = "postgresql"
SQLITE = "sqlite"
DUMP_NAMES = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}
# The folders of an instance, by their name inside the archive.
FOLDERS = ("media", "private")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, for the person running it."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    size: int


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    created_at: str
    tables: int
    files: int
    migrations: dict[str, list[str]]


# --- Databases ----------------------------------------------------------------------------------------


def engine_of(database: Mapping[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return POSTGRESQL
    if engine.endswith("sqlite3"):
        return SQLITE
    raise BackupError(_("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine})


def _pg_args(database: Mapping[str, Any]) -> list[str]:
    args = []
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    return [*args, "--no-password"]


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    # The password goes through the environment, never the command line (visible to every user in ps).
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_connect(database: Mapping[str, Any]):
    import psycopg2

    return psycopg2.connect(
        dbname=database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        # pg_dump / pg_restore with arguments from the settings, never from a person's input.
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed (Debian package postgresql-client).") % {"program": command[0]}
        ) from None
    if done.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": command[0], "error": done.stderr.strip()[-2000:]}
        )


def _sqlite_path(database: Mapping[str, Any]) -> Path:
    return Path(database["NAME"])


def database_tables(database: Mapping[str, Any]) -> list[str]:
    """The names of the tables in the database (PostgreSQL: its current schema), sorted."""
    if engine_of(database) == POSTGRESQL:
        connection = _pg_connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
                return [row[0] for row in cursor.fetchall()]
        finally:
            connection.close()
    path = _sqlite_path(database)
    if not path.exists() or path.stat().st_size == 0:
        return []
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        return [row[0] for row in rows]
    finally:
        connection.close()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_row_counts(database: Mapping[str, Any]) -> dict[str, int]:
    """Rows per table: what a restore is checked against."""
    tables = database_tables(database)
    if engine_of(database) == POSTGRESQL:
        connection = _pg_connect(database)
        try:
            with connection.cursor() as cursor:
                counts = {}
                for table in tables:
                    cursor.execute(f"SELECT COUNT(*) FROM {_quoted(table)}")  # noqa: S608 (a name from the catalog)
                    counts[table] = cursor.fetchone()[0]
                return counts
        finally:
            connection.close()
    connection = sqlite3.connect(_sqlite_path(database))
    try:
        query = "SELECT COUNT(*) FROM {}"  # a name from the catalog, quoted
        return {table: connection.execute(query.format(_quoted(table))).fetchone()[0] for table in tables}
    finally:
        connection.close()


def _migrations(database: Mapping[str, Any]) -> dict[str, list[str]]:
    """The migrations applied, by app, read from the database itself (django_migrations)."""
    if "django_migrations" not in database_tables(database):
        return {}
    query = "SELECT app, name FROM django_migrations ORDER BY app, id"
    if engine_of(database) == POSTGRESQL:
        connection = _pg_connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(query)
                rows = cursor.fetchall()
        finally:
            connection.close()
    else:
        connection = sqlite3.connect(_sqlite_path(database))
        try:
            rows = connection.execute(query).fetchall()
        finally:
            connection.close()
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied


def _database_dump(database: Mapping[str, Any], target: Path) -> None:
    if engine_of(database) == POSTGRESQL:
        command = ["pg_dump", *_pg_args(database), "--format=custom", "--file", str(target), str(database["NAME"])]
        _run(command, _pg_env(database))
        return
    source_path = _sqlite_path(database)
    if not source_path.exists():
        raise BackupError(_("The SQLite database %(path)s does not exist.") % {"path": source_path})
    # Read-only, and through the backup API: a consistent copy even while the site writes (WAL).
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _database_empty(database: Mapping[str, Any]) -> None:
    """Drop every table (and what hangs off it): a forced restore starts from nothing."""
    if engine_of(database) == POSTGRESQL:
        connection = _pg_connect(database)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(
                    "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = current_schema()"
                )
                tables = [row[0] for row in cursor.fetchall()]
                if tables:
                    cursor.execute(f"DROP TABLE {', '.join(tables)} CASCADE")
                cursor.execute(
                    "SELECT format('%I.%I', sequence_schema, sequence_name) FROM information_schema.sequences "
                    "WHERE sequence_schema = current_schema()"
                )
                sequences = [row[0] for row in cursor.fetchall()]
                if sequences:
                    cursor.execute(f"DROP SEQUENCE {', '.join(sequences)} CASCADE")
        finally:
            connection.close()
        return
    path = _sqlite_path(database)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _database_load(database: Mapping[str, Any], dump: Path) -> None:
    if engine_of(database) == POSTGRESQL:
        command = [
            "pg_restore",
            *_pg_args(database),
            "--dbname",
            str(database["NAME"]),
            # The owner and grants of the server the backup came from may not exist here.
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ]
        _run(command, _pg_env(database))
        return
    path = _sqlite_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".restoring")
    shutil.copyfile(dump, partial)
    partial.replace(path)


# --- Files --------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _folder_files(root: Path) -> Iterator[Path]:
    """Regular files under `root`, sorted, symbolic links skipped (they could point anywhere)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def folder_checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every file under `root`, by its path relative to `root` (POSIX separators)."""
    return {path.relative_to(root).as_posix(): sha256_of(path) for path in _folder_files(root)}


def _folder_nonempty(root: Path) -> bool:
    return next(_folder_files(root), None) is not None


def _folder_empty(root: Path) -> None:
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


# --- Backup -------------------------------------------------------------------------------------------


def backup_create(
    *, database: Mapping[str, Any], folders: Mapping[str, Path], output_dir: Path, now: dt.datetime | None = None
) -> BackupResult:
    """Write one archive of the database and the folders (`{"media": MEDIA_ROOT, "private": ...}`) into
    `output_dir`; return its path. Raises BackupError."""
    engine = engine_of(database)
    now = now or dt.datetime.now(dt.UTC)
    output_dir.mkdir(parents=True, exist_ok=True)
    name = f"purna-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    target = output_dir / name
    if target.exists():
        raise BackupError(_("%(path)s already exists.") % {"path": target})
    with tempfile.TemporaryDirectory(prefix="purna-backup-", dir=output_dir) as work:
        dump = Path(work) / DUMP_NAMES[engine]
        _database_dump(database, dump)
        migrations = _migrations(database)
        checksums = {dump.name: sha256_of(dump)}
        members: list[tuple[Path, str]] = [(dump, dump.name)]
        for label, root in folders.items():
            root = Path(root)
            for path in _folder_files(root):
                arcname = f"{label}/{path.relative_to(root).as_posix()}"
                checksums[arcname] = sha256_of(path)
                members.append((path, arcname))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "engine": engine,
            "database": DUMP_NAMES[engine],
            "folders": list(folders),
            "migrations": migrations,
            "files": checksums,
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial = Path(work) / f"{name}.part"
        with tarfile.open(partial, "w:gz") as archive:
            # The manifest first: `tar tzf` shows it at once, and a reader learns what to expect.
            archive.add(manifest_path, MANIFEST)
            for path, arcname in members:
                archive.add(path, arcname)
        partial.replace(target)
    return BackupResult(path=target, files=len(members) - 1, size=target.stat().st_size)


# --- Restore ------------------------------------------------------------------------------------------


def _manifest_read(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(_("This archive has no manifest.json: it is not a Purna backup."))
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            _("Unknown backup format %(format)s (this version reads format %(expected)s).")
            % {"format": manifest.get("format"), "expected": FORMAT_VERSION}
        )
    return manifest


def _checksums_verify(directory: Path, manifest: dict) -> None:
    """Every file the manifest lists is there with its checksum, and nothing else is."""
    expected: dict[str, str] = manifest["files"]
    found = {path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()}
    found.discard(MANIFEST)
    missing = sorted(set(expected) - found)
    extra = sorted(found - set(expected))
    damaged = sorted(name for name in set(expected) & found if sha256_of(directory / name) != expected[name])
    problems = []
    if missing:
        problems.append(_("missing: %(names)s") % {"names": ", ".join(missing[:5])})
    if extra:
        problems.append(_("not in the manifest: %(names)s") % {"names": ", ".join(extra[:5])})
    if damaged:
        problems.append(_("checksum differs: %(names)s") % {"names": ", ".join(damaged[:5])})
    if problems:
        raise BackupError(
            _("The archive is damaged, nothing was restored (%(problems)s).") % {"problems": "; ".join(problems)}
        )


def backup_restore(
    *, archive: Path, database: Mapping[str, Any], folders: Mapping[str, Path], force: bool = False
) -> RestoreResult:
    """Restore `archive` into `database` and the folders. Checks every checksum first; refuses a database
    with tables or a folder with files unless `force`, which empties them first. Raises BackupError."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": archive})
    engine = engine_of(database)
    with tempfile.TemporaryDirectory(prefix="purna-restore-") as work:
        directory = Path(work)
        try:
            with tarfile.open(archive, "r:*") as tar:
                # The "data" filter refuses absolute paths, "..", links out of the folder and device files.
                tar.extractall(directory, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(_("%(path)s cannot be read: %(error)s") % {"path": archive, "error": error}) from None
        manifest = _manifest_read(directory)
        _checksums_verify(directory, manifest)
        if manifest["engine"] != engine:
            raise BackupError(
                _("This backup is of a %(source)s database; the database here is %(target)s.")
                % {"source": manifest["engine"], "target": engine}
            )

        tables = database_tables(database)
        busy_folders = [
            str(Path(folders[label])) for label in manifest["folders"] if _folder_nonempty(Path(folders[label]))
        ]
        if (tables or busy_folders) and not force:
            reasons = []
            if tables:
                reasons.append(
                    _("the database %(name)s has %(count)d tables") % {"name": database["NAME"], "count": len(tables)}
                )
            reasons.extend(_("the folder %(path)s has files") % {"path": path} for path in busy_folders)
            raise BackupError(
                _(
                    "Nothing was restored: %(reasons)s. Restore into an empty database and empty folders, or add --force to replace them."
                )
                % {"reasons": "; ".join(reasons)}
            )
        if tables:
            _database_empty(database)
        _database_load(database, directory / manifest["database"])

        files = 0
        for label in manifest["folders"]:
            root = Path(folders[label])
            _folder_empty(root)
            root.mkdir(parents=True, exist_ok=True)
            source = directory / label
            if source.is_dir():
                for path in _folder_files(source):
                    destination = root / path.relative_to(source)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(path, destination)
                    files += 1
    return RestoreResult(
        engine=engine,
        created_at=manifest["created_at"],
        tables=len(database_tables(database)),
        files=files,
        migrations=manifest["migrations"],
    )
