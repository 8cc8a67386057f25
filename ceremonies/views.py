from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from ceremonies.selectors import event_list
from employees.scope import staff_scope


class EventListView(PermissionRequiredMixin, ListView):
    permission_required = "ceremonies.view_event"
    raise_exception = True
    template_name = "ceremonies/event_list.html"
    paginate_by = 50

    def get_queryset(self):
        return event_list(scope=staff_scope(self.request.user))
