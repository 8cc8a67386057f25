"""Platform tasks: a round trip through the broker, a worker and the result store.

Used by the worker test and by operators checking a deployment
(`celery -A purna call purna.tasks.ping_task`, then read the result in the admin).
"""

from celery import shared_task


@shared_task
def ping_task() -> str:
    """Answer "pong"; the result backend (django-db) stores it, which proves the worker reaches the database."""
    return "pong"
