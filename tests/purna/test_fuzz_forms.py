"""Every form of the apps, fed through its own view with data Hypothesis makes (hypothesis.extra.django's
from_form, each field's own strategy mixed with garbage): the site answers with validation messages,
never a server error, and an answer that is not "done" (a redirect) has written nothing.

A new form class fails test_every_form_is_fuzzed until it has a case here (or a reason to be left out).
Each example runs in a savepoint rolled back after it, so every example meets the same rows.
"""

import datetime as dt
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, ResolutionFailed
from hypothesis.extra.django import from_field, from_form

from benefits.forms import (
    BandRowForm,
    NoteForm,
    OverrideForm,
    PayForm,
    PayoutFilterForm,
    PrepareForm,
    ReasonForm,
    TaliAsihRateForm,
    ThtClaimForm,
)
from benefits.models import PayoutStatus
from benefits.views.documents import RecapFilterForm
from ceremonies.forms import CohortForm, CompanionForm, EventForm, InstructorForm, SessionForm
from ceremonies.models import Event, EventStatus
from employees.choices import CaseStatus
from employees.forms.cases import (
    CaseKindFactsForm,
    CasePertekCorrectForm,
    CaseTransitionForm,
    RetirementCaseOpenForm,
    RetiringFilterForm,
)
from employees.forms.projection import ProjectionFilterForm
from employees.forms.register import EmployeeForm
from employees.scope import ALL_UNITS
from portal.forms import SignInForm
from purna import roles
from tests.benefits.documents_helpers import payout_in
from tests.factories import (
    EmployeeFactory,
    EventFactory,
    InstructorFactory,
    OfficialFactory,
    ParticipantFactory,
    RetirementCaseFactory,
    TaliAsihRateFactory,
    UnitKerjaFactory,
    UserFactory,
)
from tests.purna.matrix_knock import writes

FORM_MODULES = [
    "employees.forms.register",
    "employees.forms.projection",
    "employees.forms.cases",
    "employees.forms.transfer",
    "ceremonies.forms",
    "benefits.forms",
    "benefits.views.documents",
    "purna.forms",
    "portal.forms",
    "purna.notifications.views",
]
# Forms fuzzed elsewhere, or with no fields of their own.
NOT_HERE = {
    "CaseDocumentUploadForm": "a file only: tests/purna/test_fuzz_uploads.py",
    "ImportUploadForm": "a file only: tests/purna/test_fuzz_uploads.py",
    "ThtImportForm": "a file only: tests/purna/test_fuzz_uploads.py",
    "ServiceForm": "the base of the benefits' forms, no fields",
    "PayeeForm": "a choice among the employee's own heirs and a file: tests/benefits/test_heirs_pages.py",
    "CodeSignInForm": "a refused code counts a wrong try, written on purpose: tests/employees/test_sign_in_codes.py",
    "FeedbackForm": "fields built per session of a training: bad answers in tests/portal/test_feedback.py",
}

GARBAGE = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "2025-02-30", "31/12/2025", "1e309", "NaN"]),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\u202e", "ÿ" * 300, "9" * 40]),
    st.text(max_size=40).filter(lambda text: "\x00" not in text),
)


def field_strategy(form_field: forms.Field, choices: Callable | None = None) -> st.SearchStrategy:
    """What a field gets: its own strategy (valid values, as from_form would infer them), or garbage."""
    if isinstance(form_field, forms.FileField):
        return st.just("")
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        ids = [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:20]]
        return st.lists(st.sampled_from(ids) | GARBAGE, max_size=3) if ids else st.lists(GARBAGE, max_size=2)
    if isinstance(form_field, forms.ModelChoiceField):
        ids = [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:20]]
        return (st.sampled_from(ids) | GARBAGE) if ids else GARBAGE
    try:
        own = from_field(form_field).map(as_text)
    except (InvalidArgument, ResolutionFailed, NotImplementedError):
        return GARBAGE
    return st.one_of(own, own, GARBAGE)


def as_text(value):
    """A value as a browser sends it: text (dates in the form's input format, booleans as "on")."""
    if value is None or isinstance(value, list | tuple):
        return value
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return str(value)


def post_data(form: forms.BaseForm) -> dict:
    """The form's drawn data as a browser would post it (no None: the test client cannot encode it)."""
    data = {}
    for name, value in form.data.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value if item is not None]
        elif isinstance(value, dt.datetime):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
        else:
            data[name] = value if isinstance(value, bool) else str(value)
    return data


@dataclass(frozen=True)
class Case:
    form: type
    method: str  # "GET": a filter form, "POST": a form that writes when valid
    url: Callable
    form_kwargs: Callable = field(default=lambda w: {})
    signed_in: str = "admin"  # "admin" (Admin Kepegawaian, every unit) or "anonymous"
    fixed: Callable = field(default=lambda w: {})  # fields that must hold a value the view expects


@dataclass
class FuzzWorld:
    unit: object
    employee: object
    event: object
    participant: object
    case: object
    pertek_case: object  # BKN's pertek recorded: it can be corrected
    draft: object
    approved: object
    retiree: object


@pytest.fixture
def world(db, private_media, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = UnitKerjaFactory(code="FZ", name="Dinas Fuzz")
    TaliAsihRateFactory()
    OfficialFactory()
    InstructorFactory()
    employee = EmployeeFactory(unit=unit, email="fuzz@example.id")
    event = EventFactory(organizer=unit, status=EventStatus.PUBLISHED)
    approved = payout_in(PayoutStatus.APPROVED, employee=EmployeeFactory(unit=unit, tmt_pensiun=dt.date(2025, 7, 1)))
    return FuzzWorld(
        unit=unit,
        employee=employee,
        event=event,
        participant=ParticipantFactory(event=event, employee=approved.employee),
        case=RetirementCaseFactory(employee=EmployeeFactory(unit=unit, tmt_pensiun=dt.date(2027, 3, 1))),
        pertek_case=RetirementCaseFactory(
            employee=EmployeeFactory(unit=unit, tmt_pensiun=dt.date(2027, 3, 1)),
            status=CaseStatus.PERTEK,
            proposed_on=dt.date(2026, 1, 5),
            pertek_number="AR-1",
            pertek_date=dt.date(2026, 2, 5),
        ),
        draft=payout_in(PayoutStatus.DRAFT, employee=EmployeeFactory(unit=unit)),
        approved=approved,
        retiree=EmployeeFactory(unit=unit, tmt_pensiun=dt.date(2025, 11, 1)),
    )


CASES = {
    "EmployeeForm (create)": Case(
        EmployeeForm, "POST", lambda w: reverse("employees:create"), lambda w: {"scope": ALL_UNITS}
    ),
    "EmployeeForm (update)": Case(
        EmployeeForm,
        "POST",
        lambda w: reverse("employees:update", args=[w.employee.pk]),
        lambda w: {"scope": ALL_UNITS, "instance": w.employee},
    ),
    "ProjectionFilterForm": Case(
        ProjectionFilterForm, "GET", lambda w: reverse("employees:projection"), lambda w: {"scope": ALL_UNITS}
    ),
    "RetirementCaseOpenForm": Case(
        RetirementCaseOpenForm, "POST", lambda w: reverse("employees:case_open", args=[w.employee.pk])
    ),
    "CaseTransitionForm": Case(
        CaseTransitionForm,
        "POST",
        lambda w: reverse("employees:case_transition", args=[w.case.pk, CaseStatus.PROPOSED]),
        lambda w: {"from_status": CaseStatus.PREPARING, "to_status": CaseStatus.PROPOSED},
    ),
    "CaseKindFactsForm": Case(
        CaseKindFactsForm,
        "POST",
        lambda w: reverse("employees:case_kind_facts", args=[w.case.pk]),
        lambda w: {"kind": w.case.kind},
    ),
    "CasePertekCorrectForm": Case(
        CasePertekCorrectForm, "POST", lambda w: reverse("employees:case_pertek_correct", args=[w.pertek_case.pk])
    ),
    "RetiringFilterForm": Case(
        RetiringFilterForm, "GET", lambda w: reverse("employees:retiring"), lambda w: {"scope": ALL_UNITS}
    ),
    "EventForm": Case(EventForm, "POST", lambda w: reverse("ceremonies:create"), lambda w: {"scope": ALL_UNITS}),
    "SessionForm": Case(
        SessionForm, "POST", lambda w: reverse("ceremonies:session_create", args=[w.event.pk]), lambda w: {}
    ),
    "CohortForm": Case(
        CohortForm, "GET", lambda w: reverse("ceremonies:cohort", args=[w.event.pk]), lambda w: {"scope": ALL_UNITS}
    ),
    "CompanionForm": Case(
        CompanionForm, "POST", lambda w: reverse("ceremonies:participant_update", args=[w.participant.pk])
    ),
    "PayoutFilterForm": Case(
        PayoutFilterForm,
        "GET",
        lambda w: reverse("benefits:payouts"),
        lambda w: {"events": Event.objects.all(), "years": [2025, 2026]},
    ),
    "PrepareForm": Case(
        PrepareForm, "POST", lambda w: reverse("benefits:prepare"), lambda w: {"events": Event.objects.all()}
    ),
    "NoteForm": Case(NoteForm, "POST", lambda w: reverse("benefits:payout_verify", args=[w.draft.pk])),
    "ReasonForm": Case(ReasonForm, "POST", lambda w: reverse("benefits:payout_cancel", args=[w.draft.pk])),
    "OverrideForm": Case(OverrideForm, "POST", lambda w: reverse("benefits:payout_override", args=[w.draft.pk])),
    "PayForm": Case(
        PayForm,
        "POST",
        lambda w: reverse("benefits:payout_pay", args=[w.approved.pk]),
        lambda w: {"events": Event.objects.all()},
    ),
    "ThtClaimForm": Case(ThtClaimForm, "POST", lambda w: reverse("benefits:tht_edit", args=[w.retiree.pk])),
    "RecapFilterForm": Case(RecapFilterForm, "GET", lambda w: reverse("benefits:recap_xlsx")),
    "SignInForm": Case(SignInForm, "POST", lambda w: reverse("portal:sign_in"), signed_in="anonymous"),
    "InstructorForm": Case(InstructorForm, "POST", lambda w: reverse("ceremonies:instructor_create")),
    "TaliAsihRateForm": Case(TaliAsihRateForm, "POST", lambda w: reverse("benefits:rate_create")),
    # A band row is posted with the rate's page (its rows prefixed "band-"); unprefixed, the page ignores it.
    "BandRowForm": Case(BandRowForm, "POST", lambda w: reverse("benefits:rate_create")),
}


def discovered_forms() -> set[str]:
    names = set()
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module_name:
                names.add(name)
    return names


def test_every_form_is_fuzzed():
    fuzzed = {case.form.__name__ for case in CASES.values()}

    missing = discovered_forms() - fuzzed - set(NOT_HERE)
    assert not missing, f"add a fuzz case for: {sorted(missing)}"


def strategy_for(case: Case, world) -> st.SearchStrategy:
    kwargs = case.form_kwargs(world)
    unbound = case.form(**kwargs)
    strategies = {name: field_strategy(form_field) for name, form_field in unbound.fields.items()}
    return from_form(case.form, form_kwargs=kwargs, **strategies)


@pytest.mark.parametrize("name", CASES)
def test_form_answers_with_messages_and_writes_nothing_when_refused(name, world):
    case = CASES[name]
    client = Client(raise_request_exception=False)
    if case.signed_in == "admin":
        client.force_login(UserFactory(username="fuzz-admin", roles=[roles.ADMIN], units="all"))
    url = case.url(world)
    failures = []

    def check(data: dict) -> None:
        with transaction.atomic():
            before = writes()
            response = client.get(url, data) if case.method == "GET" else client.post(url, data)
            written = writes() != before
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} for {data!r}")
        elif case.method == "POST" and response.status_code != 302 and written:
            failures.append(f"refused ({response.status_code}) but rows were written, for {data!r}")

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(form=strategy_for(case, world))
    def run(form):
        check(post_data(form))

    check({})  # an empty form, always: refused, and nothing written
    run()
    assert not failures, "\n".join(failures[:5])
