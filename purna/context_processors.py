from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from purna.models import Instansi


def instansi(request: HttpRequest) -> dict:
    """The agency shown in the page header; read lazily so pages that do not render it pay nothing."""

    def load() -> Instansi:
        return Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)

    return {"instansi": SimpleLazyObject(load)}
