from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from benefits.models import TaliAsihRate


class TaliAsihRateListView(PermissionRequiredMixin, ListView):
    """The tali asih rates in force and past, with their bands (the payouts' pages come later)."""

    permission_required = "benefits.view_taliasihrate"
    raise_exception = True
    template_name = "benefits/taliasihrate_list.html"
    paginate_by = 50

    def get_queryset(self):
        return TaliAsihRate.objects.prefetch_related("bands")
