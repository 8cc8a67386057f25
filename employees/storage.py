"""Private file storage: personal documents never sit under MEDIA_URL; views check permissions first."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def private_storage():
    """Callable storage (Django 3.1+), so migrations do not freeze a path that comes from settings."""
    return _private_storage


_private_storage = PrivateStorage()
