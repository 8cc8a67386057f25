"""Shared start-up for the benchmark scripts: Django settings, and a line naming the machine."""

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_settings(allowed_hosts: str = "testserver") -> None:
    """Production-like settings for a bench that measures what a deployment serves: DEBUG off, a secret
    used by nothing but the bench, no HTTPS redirect on loopback, static files without the manifest that
    collectstatic writes. A variable already set in the environment wins. Call before django_setup()."""
    for name, value in {
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": allowed_hosts,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
    }.items():
        os.environ.setdefault(name, value)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purna.settings")
    os.environ.setdefault("DEBUG", "true")  # benchmarks are run by developers, not in production
    import django

    django.setup()


def machine() -> str:
    from django.db import connection

    return (
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {connection.vendor} {connection.settings_dict['NAME']}"
    )


def employees_ensure(count: int) -> None:
    """Make sure the register holds `count` employees, seeding the missing ones with bench/seed.py."""
    from employees.models import Employee

    existing = Employee.objects.count()
    if existing >= count:
        return
    print(f"seeding {count - existing:,} employees (bench/seed.py)...", flush=True)
    # Another seed than the first run's, so the new NIPs do not collide with the stored ones.
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("seed.py")),
            "--count",
            str(count - existing),
            "--seed",
            str(existing + 7),
        ],
        check=True,
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true"},
    )


def staff_user(username: str, role: str):
    """A staff account holding `role` with a scope of every unit (employees/scope.py): without a scope a
    staff user sees nobody, and every page answers 404 or an empty list."""
    from django.contrib.auth.models import Group

    from employees.models import StaffScope
    from purna.models import User

    user, _created = User.objects.get_or_create(username=username, defaults={"first_name": "Bench"})
    user.groups.add(Group.objects.get(name=role))
    StaffScope.objects.update_or_create(user=user, defaults={"all_units": True})
    return user


def signed_in_client(user):
    """A test client signed in as `user` past the second step (purna/two_factor), as a person is after
    giving their code: a confirmed authenticator app of the account's own, its id in the session."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def ratio(value: float, reference: float) -> str:
    """`value` as a multiple of `reference`, for the line every bench prints."""
    return f"{value / reference:.2f}x" if reference else "n/a"
