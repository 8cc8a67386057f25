"""Purna's WSGI application (purna/wsgi.py) plus bench/pages.py's reference at /bench-reference/: the
plain 50-row ListView, served by the same gunicorn for bench/locust_run.py. Never deployed."""

import os
import sys
from pathlib import Path

# After the project's root, so that bench/ceremonies.py does not hide the ceremonies app.
sys.path.append(str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purna.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from pages import reference_urlconf  # noqa: E402

settings.ROOT_URLCONF = reference_urlconf()
