"""What a gunicorn worker does when it loads purna/wsgi.py: every view imported, then frozen."""

import subprocess
import sys

from django.conf import settings


def test_a_worker_loads_every_view_then_freezes_what_it_loaded():
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, sys; import purna.wsgi; "
            "print(gc.get_freeze_count(), 'employees.views.register' in sys.modules, len(gc.get_objects()))",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    frozen, views_loaded, still_tracked = int(shown[0]), shown[1], int(shown[2])

    assert views_loaded == "True"
    assert frozen > 100_000 and still_tracked < frozen / 10
