from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from benefits.models import TaliAsihScheme


class TaliAsihSchemeListView(PermissionRequiredMixin, ListView):
    permission_required = "benefits.view_taliasihscheme"
    raise_exception = True
    template_name = "benefits/taliasihscheme_list.html"
    paginate_by = 50
    model = TaliAsihScheme
