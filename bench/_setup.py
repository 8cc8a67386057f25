"""Shared start-up for the benchmark scripts: Django settings, and a line naming the machine."""

import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
