from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from ceremonies.models import Event


class EventListView(PermissionRequiredMixin, ListView):
    permission_required = "ceremonies.view_event"
    raise_exception = True
    template_name = "ceremonies/event_list.html"
    paginate_by = 50
    model = Event
