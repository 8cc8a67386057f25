import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purna.settings")
application = get_wsgi_application()


def startup_objects_freeze() -> None:
    """Load every view now (the URLconf would import them on the first request), then take everything
    loaded so far out of the garbage collector's reach with gc.freeze().

    A gunicorn worker holds about 230,000 objects once started (modules, classes, URL patterns), which
    live as long as it does. Without the freeze, every full collection walks all of them: about 200 ms of
    CPU every hundred-odd list pages, inside whichever request sets it off, so 2 ms of each list page on
    average and a spike in the tail under load (bench/mix_requests.py prints the collector's share).
    Frozen objects are never collected for cycles, hence only what lives as long as the process is loaded
    before the freeze."""
    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and with it every view)
    gc.collect()
    gc.freeze()


startup_objects_freeze()
