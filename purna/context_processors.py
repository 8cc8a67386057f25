from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from purna.models import Instansi

# The agency row changes a few times a year (in the admin) and is read by every staff page's header:
# kept in the cache (Redis in production) and dropped whenever it is saved or deleted, so an edit shows
# on the next page. The timeout only bounds what a write made outside the ORM (psql) could leave behind.
INSTANSI_CACHE_KEY = "purna:instansi:header"
INSTANSI_CACHE_SECONDS = 60 * 60
NO_ROW = "no row"


def instansi_cached() -> Instansi:
    """The agency (or an unsaved one named after PURNA_INSTANSI_NAME while none is entered), from the cache."""
    found = cache.get(INSTANSI_CACHE_KEY)
    if found is None:
        # NO_ROW when none is entered yet: the fallback's name follows the setting, read on each call.
        found = Instansi.objects.filter(pk=1).first() or NO_ROW
        cache.set(INSTANSI_CACHE_KEY, found, INSTANSI_CACHE_SECONDS)
    return found if isinstance(found, Instansi) else Instansi(name=settings.PURNA_INSTANSI_NAME)


def instansi_cache_forget() -> None:
    cache.delete(INSTANSI_CACHE_KEY)


@receiver([post_save, post_delete], sender=Instansi, dispatch_uid="purna.instansi_cache_forget")
def _instansi_changed(**kwargs) -> None:
    # Now, and again after the commit: a page read between the two would otherwise cache the old row.
    instansi_cache_forget()
    transaction.on_commit(instansi_cache_forget)


def instansi(request: HttpRequest) -> dict:
    """The agency shown in the page header; read lazily so pages that do not render it pay nothing."""
    return {"instansi": SimpleLazyObject(instansi_cached)}
