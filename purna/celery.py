"""The Celery application: configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purna.settings")

app = Celery("purna")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _broker_folders_make(sender: Celery, **kwargs) -> None:
    # The embedded broker (kombu's filesystem transport, when no REDIS_URL is set) stops at once if its
    # folders are missing: `make run` makes them, a worker or test suite started otherwise would not.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
