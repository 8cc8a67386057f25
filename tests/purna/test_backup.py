"""Backup and restore drills (purna/backup.py, manage.py backup / restore).

A populated instance is backed up, restored into a scratch database and scratch folders, and compared
table by table (rows) and file by file (SHA-256). On the suite's database (PostgreSQL in CI) through the
module, and on a SQLite instance of its own through the real commands, as `make backup` / `make restore`
run them.
"""

import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ceremonies.models import Participant
from employees.models import CaseDocument, Employee
from purna.backup import BackupError, backup_create, backup_restore, folder_checksums, table_row_counts
from tests.factories import (
    CaseDocumentFactory,
    EmployeeFactory,
    ParticipantFactory,
    PayoutFactory,
    ThtClaimFactory,
    UserFactory,
)

ROOT = Path(settings.BASE_DIR)


def files_add(media: Path, private: Path) -> None:
    """Files of every shape a folder holds: nested, binary, empty, a name with spaces."""
    (media / "logos").mkdir(parents=True, exist_ok=True)
    (media / "logos" / "instansi.png").write_bytes(os.urandom(4096))
    (media / "kosong.txt").write_bytes(b"")
    (private / "imports" / "2026").mkdir(parents=True, exist_ok=True)
    (private / "imports" / "2026" / "pegawai baru.csv").write_text("nip,nama\n1,Ani\n", encoding="utf-8")


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return {"media": settings.MEDIA_ROOT, "private": settings.PRIVATE_MEDIA_ROOT}


@pytest.fixture
def scratch_database():
    """An empty database beside the suite's: a new PostgreSQL database (dropped afterwards), or a SQLite
    file name not made yet."""
    source = connection.settings_dict
    if source["ENGINE"].endswith("sqlite3"):
        path = Path(source["NAME"]).with_name(f"scratch_{uuid.uuid4().hex[:8]}.sqlite3")
        yield {**source, "NAME": str(path)}
        for suffix in ("", "-wal", "-shm", ".restoring"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg2

    name = f"{source['NAME']}_scratch_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        dbname="postgres",
        host=source["HOST"] or None,
        port=source["PORT"] or None,
        user=source["USER"] or None,
        password=source["PASSWORD"] or None,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield {**source, "NAME": name}
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_populated_instance_comes_back_whole(folders, scratch_database, tmp_path, seeded_documents):
    employees = EmployeeFactory.create_batch(12)
    UserFactory(username="operator-drill", units="all")
    CaseDocumentFactory.create_batch(3)  # files in PRIVATE_MEDIA_ROOT, rows pointing at them
    ParticipantFactory.create_batch(4)
    PayoutFactory(employee=employees[0])
    ThtClaimFactory(employee=employees[1])
    files_add(folders["media"], folders["private"])
    connection.close()  # every row committed and visible to pg_dump

    call_command("backup", output_dir=str(tmp_path / "backups"))
    [archive] = (tmp_path / "backups").glob("purna-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"

    restored = {"media": tmp_path / "restored-media", "private": tmp_path / "restored-private"}
    result = backup_restore(archive=archive, database=scratch_database, folders=restored)

    source_counts = table_row_counts(connection.settings_dict)
    assert table_row_counts(scratch_database) == source_counts
    assert source_counts["employees_employee"] == Employee.objects.count() >= 12
    assert source_counts["employees_casedocument"] == CaseDocument.objects.count() == 3
    assert source_counts["ceremonies_participant"] == Participant.objects.count() == 4
    assert source_counts["django_migrations"] > 50
    for label in ("media", "private"):
        assert folder_checksums(restored[label]) == folder_checksums(folders[label])
    assert len(folder_checksums(restored["private"])) == 4  # three documents and the import
    assert (restored["private"] / "imports" / "2026" / "pegawai baru.csv").read_text() == "nip,nama\n1,Ani\n"
    assert result.files == 6 and result.tables == len(source_counts)

    # Now the scratch instance is not empty: a second restore is refused and changes nothing ...
    before = folder_checksums(restored["media"])
    with pytest.raises(BackupError, match="--force") as refused:
        backup_restore(archive=archive, database=scratch_database, folders=restored)
    assert scratch_database["NAME"] in str(refused.value)
    assert str(restored["media"]) in str(refused.value)
    assert folder_checksums(restored["media"]) == before
    # ... unless forced, which replaces everything: an extra file and extra rows are gone.
    (restored["media"] / "stale.txt").write_text("not in the backup")
    backup_restore(archive=archive, database=scratch_database, folders=restored, force=True)
    assert table_row_counts(scratch_database) == source_counts
    assert folder_checksums(restored["media"]) == folder_checksums(folders["media"])


def sqlite_instance(tmp_path: Path, name: str) -> tuple[dict, dict[str, str]]:
    """A settings dict and the environment of an instance of its own (SQLite, its own folders)."""
    path = tmp_path / f"{name}.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "MEDIA_ROOT": str(tmp_path / f"{name}-media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / f"{name}-private"),
        "DEBUG": "true",
    }
    env.pop("REDIS_URL", None)
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}, env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_sqlite_instance_through_the_commands(tmp_path):
    source, source_env = sqlite_instance(tmp_path, "source")
    target, target_env = sqlite_instance(tmp_path, "target")
    for command in (["migrate", "--noinput"], ["seed_demo", "--count", "150"]):
        done = manage(source_env, *command)
        assert done.returncode == 0, done.stderr
    files_add(Path(source_env["MEDIA_ROOT"]), Path(source_env["PRIVATE_MEDIA_ROOT"]))

    done = manage(source_env, "backup", "--output-dir", str(tmp_path / "backups"))
    assert done.returncode == 0, done.stderr
    [archive] = (tmp_path / "backups").glob("purna-backup-*.tar.gz")
    done = manage(target_env, "restore", str(archive))
    assert done.returncode == 0, done.stderr

    counts = table_row_counts(source)
    assert counts["employees_employee"] > 100  # the demo's register
    assert table_row_counts(target) == counts
    for variable in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        assert folder_checksums(Path(target_env[variable])) == folder_checksums(Path(source_env[variable]))
    assert len(folder_checksums(Path(target_env["MEDIA_ROOT"]))) == 2

    # The restored instance is in use now: restoring again is refused, with the reason, and exits non-zero.
    done = manage(target_env, "restore", str(archive))
    assert done.returncode != 0
    assert "--force" in done.stderr and target["NAME"] in done.stderr
    assert table_row_counts(target) == counts


def tiny_backup(tmp_path: Path) -> Path:
    """A backup of a small SQLite database (no Django tables needed) with one file."""
    import sqlite3

    source = tmp_path / "tiny.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    db.close()
    media = tmp_path / "tiny-media"
    media.mkdir()
    (media / "a.txt").write_text("isi asli")
    result = backup_create(
        database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)},
        folders={"media": media, "private": tmp_path / "tiny-private"},
        output_dir=tmp_path / "backups",
    )
    return result.path


def test_a_damaged_archive_restores_nothing(tmp_path):
    archive = tiny_backup(tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/a.txt":
                data = b"isi palsu"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
    folders = {"media": tmp_path / "restored-media", "private": tmp_path / "restored-private"}

    with pytest.raises(BackupError, match="checksum") as error:
        backup_restore(archive=damaged, database=database, folders=folders)

    assert "media/a.txt" in str(error.value)
    assert not Path(database["NAME"]).exists()
    assert not folders["media"].exists()


def test_a_non_empty_folder_is_refused_without_force(tmp_path):
    archive = tiny_backup(tmp_path)
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
    folders = {"media": tmp_path / "restored-media", "private": tmp_path / "restored-private"}
    (folders["private"] / "arsip").mkdir(parents=True)
    (folders["private"] / "arsip" / "lama.pdf").write_bytes(b"%PDF lama")

    with pytest.raises(BackupError, match="restored-private"):
        backup_restore(archive=archive, database=database, folders=folders)
    assert not Path(database["NAME"]).exists()
    assert (folders["private"] / "arsip" / "lama.pdf").exists()

    backup_restore(archive=archive, database=database, folders=folders, force=True)
    assert table_row_counts(database) == {"t": 2}
    assert folder_checksums(folders["private"]) == {}
    assert (folders["media"] / "a.txt").read_text() == "isi asli"


def test_the_image_has_the_pg_dump_of_the_compose_database():
    """`manage.py backup` in the image needs pg_dump of the server's major version (purna/backup.py)."""
    import re

    compose = (ROOT / "docker-compose.yml").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()

    server = re.search(r"image: postgres:(\d+)", compose).group(1)
    assert f"ARG POSTGRES_CLIENT_VERSION={server}\n" in dockerfile
    assert "postgresql-client-${POSTGRES_CLIENT_VERSION}" in dockerfile
