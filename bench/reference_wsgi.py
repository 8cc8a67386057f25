"""Purna's WSGI application (purna/wsgi.py) plus bench/pages.py's reference at /bench-reference/: the
plain 50-row ListView, served by the same gunicorn for bench/locust_run.py. Never deployed."""

import os
import sys
from pathlib import Path

# After the project's root, so that bench/ceremonies.py does not hide the ceremonies app.
sys.path.append(str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purna.settings")

from django.conf import settings

# Purna's own start-up, as deployed: every view loaded, then frozen out of the collector's reach.
from purna.wsgi import application

__all__ = ["application"]

from pages import reference_urlconf  # (once Django is set up, by the line above)

settings.ROOT_URLCONF = reference_urlconf()
