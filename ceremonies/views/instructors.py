"""Staff pages for the instructors of trainings: the list (search by name, institution or expertise),
add and change, through ceremonies/services/instructors.py. Instructors belong to the whole agency (no
unit), so there is no scope to apply: the permissions (view, add, change instructor) decide."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from ceremonies import selectors
from ceremonies.exceptions import CeremonyError
from ceremonies.forms import InstructorForm
from ceremonies.models import Instructor
from ceremonies.services import instructors as services


class InstructorListView(PermissionRequiredMixin, ListView):
    """The instructors, by name, 25 a page."""

    permission_required = "ceremonies.view_instructor"
    raise_exception = True
    template_name = "ceremonies/instructor_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.search = self.request.GET.get("q", "").strip()
        return selectors.instructor_list(search=self.search)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            search=self.search,
            can_add=user.has_perm("ceremonies.add_instructor"),
            can_change=user.has_perm("ceremonies.change_instructor"),
            **kwargs,
        )


class InstructorFormView(PermissionRequiredMixin, FormView):
    """Add an instructor (no pk) or change one, with the latest changes shown."""

    raise_exception = True
    template_name = "ceremonies/instructor_form.html"
    form_class = InstructorForm

    def get_permission_required(self):
        return ["ceremonies.change_instructor" if "pk" in self.kwargs else "ceremonies.add_instructor"]

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.instructor = None
        if "pk" in kwargs:
            try:
                self.instructor = selectors.instructor_get(pk=kwargs["pk"])
            except Instructor.DoesNotExist as exc:
                raise Http404(_("No such instructor.")) from exc
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instructor}

    def get_context_data(self, **kwargs):
        history = selectors.instructor_history(instructor=self.instructor) if self.instructor else []
        return super().get_context_data(instructor=self.instructor, history=history, **kwargs)

    def form_valid(self, form):
        data = {field: form.cleaned_data[field] for field in services.FIELDS}
        try:
            if self.instructor is None:
                services.instructor_create(actor=self.request.user, **data)
            else:
                services.instructor_update(instructor=self.instructor, actor=self.request.user, **data)
        except CeremonyError as error:
            form.service_errors_add(error)
            return self.form_invalid(form)
        messages.success(self.request, _("The instructor has been saved."))
        return HttpResponseRedirect(reverse("ceremonies:instructors"))
