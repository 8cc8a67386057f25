"""Private file storage (PRIVATE_MEDIA_ROOT): personal documents and generated documents never sit under
MEDIA_URL; views check permissions first."""

import errno

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        # FileSystemStorage would fall back to MEDIA_URL: a private file has no public address.
        raise ValueError("Private files have no URL; serve them through a view that checks permissions.")


class PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = PrivateFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


_private_storage = PrivateStorage()


def private_storage():
    """Callable storage (Django 3.1+), so migrations do not freeze a path that comes from settings."""
    return _private_storage


@receiver(setting_changed)
def _private_storage_reset(*, setting: str, **kwargs) -> None:
    if setting == "PRIVATE_MEDIA_ROOT":
        _private_storage._wrapped = empty


# A full disk, a quota, a file-size limit: a file could not be written whole.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_disk_full(error: BaseException) -> bool:
    """Whether `error` says the disk (or the quota) is full, so that the job says so plainly."""
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS
