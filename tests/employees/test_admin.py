"""The Django admin writes employees and BUP rules through the register's services: the same validation
and messages, facts recomputed, history with the actor, no hard delete, no history revert."""

import datetime as dt

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from employees.models import Employee, FactsRefreshRun, RetirementRule
from employees.nip import build_nip
from employees.retirement import tmt_pensiun
from employees.tasks import retirement_facts_refresh_task
from purna import roles
from tests.factories import EmployeeFactory, UnitKerjaFactory
from tests.workers import instead_of_broker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules")]

D = dt.date


@pytest.fixture
def admin_client(role_user):
    client = Client()
    client.force_login(role_user(roles.ADMIN, is_staff=True, username="admin-kepegawaian"))
    return client


@pytest.fixture
def refresh_runs(monkeypatch):
    """The refresh task, run in this process when it is scheduled (the broker is not under test here)."""
    runs = []
    instead_of_broker(
        monkeypatch,
        retirement_facts_refresh_task,
        lambda *args, **kwargs: runs.append(retirement_facts_refresh_task(*args, **kwargs)),
    )
    return runs


def post_data(form, **overrides) -> dict:
    """What the admin's form posts for its current values, with some changed."""
    data = {}
    for name, value in {**form.initial, **overrides}.items():
        if name in form.fields:
            data[name] = "" if value is None else value
    return data


def change_form(client, employee):
    return client.get(reverse("admin:employees_employee_change", args=[employee.pk])).context["adminform"].form


@pytest.fixture
def employee(db):
    # 1970-05-12, pelaksana: BUP 58, TMT pensiun 1 June 2028.
    unit = UnitKerjaFactory()
    birth, cpns = D(1970, 5, 12), D(1995, 3, 1)
    return EmployeeFactory(
        unit=unit,
        birth_date=birth,
        tmt_cpns=cpns,
        gender="2",
        nip=build_nip(birth, cpns, "2", 1),
        jenis_jabatan="pelaksana",
        jenjang="",
        rumpun="",
    )


def test_admin_adds_an_employee_with_facts_and_history(admin_client, employee):
    birth, cpns = D(1968, 1, 31), D(1992, 4, 1)
    data = {
        **model_to_dict(employee, exclude=["id", "user", "retirement_rule"]),
        "nip": build_nip(birth, cpns, "1", 7),
        "name": "Ahmad Fauzi",
        "birth_date": birth,
        "tmt_cpns": cpns,
        "gender": "1",
        "jenis_jabatan": "jpt_pratama",
    }
    data = {name: "" if value is None else value for name, value in data.items()}
    response = admin_client.post(reverse("admin:employees_employee_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Employee.objects.get(name="Ahmad Fauzi")
    # JPT pratama: BUP 60, reached 31 January 2028, so the TMT is 1 February 2028.
    assert (added.bup, added.tmt_pensiun, added.tmt_effective) == (60, D(2028, 2, 1), D(2028, 2, 1))
    assert added.history.get().history_user.username == "admin-kepegawaian"


def test_admin_change_recomputes_the_facts_and_the_work_list(admin_client, employee):
    form = change_form(admin_client, employee)
    response = admin_client.post(
        reverse("admin:employees_employee_change", args=[employee.pk]),
        post_data(form, jenis_jabatan="jpt_pratama"),
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert (employee.bup, employee.tmt_pensiun, employee.tmt_effective) == (60, D(2030, 6, 1), D(2030, 6, 1))
    assert employee.history.first().history_user.username == "admin-kepegawaian"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # The NIP encodes 12 May 1970: a different birth date disagrees with it.
        ({"birth_date": D(1971, 5, 12)}, "nip", "NIP memuat tanggal lahir 12 Mei 1970"),
        ({"golongan": "IX"}, "golongan", "Golongan PNS berkisar dari I/a sampai IV/e"),  # a PPPK golongan
        ({"jenis_jabatan": "pelaksana", "jenjang": "ahli_muda"}, "jenjang", "hanya diisi untuk jabatan fungsional"),
    ],
)
def test_admin_refuses_what_the_staff_form_refuses_and_saves_nothing(admin_client, employee, changes, field, message):
    form = change_form(admin_client, employee)
    response = admin_client.post(
        reverse("admin:employees_employee_change", args=[employee.pk]), post_data(form, **changes)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in " ".join(errors[field])
    employee.refresh_from_db()
    assert (employee.birth_date, employee.golongan, employee.jenjang) == (D(1970, 5, 12), "III/c", "")
    assert employee.history.count() == 1


def test_admin_accepts_a_legacy_nip_mismatch_with_a_reason(admin_client, employee):
    form = change_form(admin_client, employee)
    response = admin_client.post(
        reverse("admin:employees_employee_change", args=[employee.pk]),
        post_data(
            form,
            birth_date=D(1971, 5, 12),
            nip_mismatch_accepted="on",
            nip_mismatch_reason="NIP dari BKN, tanggal lahir sesuai akta kelahiran",
        ),
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert (employee.birth_date, employee.tmt_pensiun) == (D(1971, 5, 12), tmt_pensiun(D(1971, 5, 12), 58))


def test_admin_cannot_delete_or_revert_employees(admin_client, employee):
    assert admin_client.get(reverse("admin:employees_employee_delete", args=[employee.pk])).status_code == 403
    changelist = admin_client.get(reverse("admin:employees_employee_changelist"))
    assert b"delete_selected" not in changelist.content
    history = employee.history.first()
    revert = admin_client.get(reverse("admin:employees_employee_simple_history", args=[employee.pk, history.pk]))
    assert revert.status_code == 200
    assert revert.context["revert_disabled"] is True


def test_admin_rule_change_recomputes_everyone_after_commit(
    admin_client, employee, refresh_runs, django_capture_on_commit_callbacks
):
    rule = RetirementRule.objects.get(asn_type="", jenis_jabatan="pelaksana", jenjang="", rumpun="")
    form = admin_client.get(reverse("admin:employees_retirementrule_change", args=[rule.pk])).context["adminform"].form
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:employees_retirementrule_change", args=[rule.pk]), post_data(form, bup=59), follow=True
        )
    assert response.status_code == 200
    assert "dihitung ulang" in " ".join(str(m) for m in response.context["messages"])
    assert refresh_runs == [1]
    employee.refresh_from_db()
    assert (employee.bup, employee.tmt_pensiun) == (59, D(2029, 6, 1))
    assert rule.history.first().history_user.username == "admin-kepegawaian"


def test_admin_rule_with_bad_values_is_refused(admin_client, refresh_runs):
    rule = RetirementRule.objects.get(asn_type="", jenis_jabatan="pelaksana", jenjang="", rumpun="")
    form = admin_client.get(reverse("admin:employees_retirementrule_change", args=[rule.pk])).context["adminform"].form
    response = admin_client.post(
        reverse("admin:employees_retirementrule_change", args=[rule.pk]),
        post_data(form, bup=90, jenjang="ahli_muda"),
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) >= {"bup", "jenis_jabatan"}
    rule.refresh_from_db()
    assert rule.bup == 58
    assert refresh_runs == []


def test_admin_rule_delete_recomputes_everyone(
    admin_client, employee, refresh_runs, django_capture_on_commit_callbacks
):
    extra = RetirementRule.objects.create(
        jenis_jabatan="pelaksana", bup=62, valid_from=D(2020, 1, 1), legal_basis="Keliru"
    )
    retirement_facts_refresh_task()
    employee.refresh_from_db()
    assert employee.bup == 62
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:employees_retirementrule_delete", args=[extra.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert refresh_runs == [1]
    employee.refresh_from_db()
    assert employee.bup == 58


def test_admin_action_recomputes_the_selected_employees(admin_client, employee):
    other = EmployeeFactory(unit=employee.unit)
    Employee.objects.filter(pk__in=[employee.pk, other.pk]).update(bup=None, tmt_pensiun=None)
    response = admin_client.post(
        reverse("admin:employees_employee_changelist"),
        {"action": "facts_recompute", "_selected_action": [employee.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 pegawai" in " ".join(str(m) for m in response.context["messages"])
    employee.refresh_from_db()
    other.refresh_from_db()
    assert (employee.bup, employee.tmt_pensiun) == (58, D(2028, 6, 1))
    assert other.tmt_pensiun is None  # not selected


def test_the_rules_page_shows_the_recomputation_and_its_progress(admin_client, employee):
    url = reverse("admin:employees_retirementrule_changelist")
    admin_client.cookies["django_language"] = "en"  # the language selector's cookie
    assert b'data-testid="facts-refresh"' not in admin_client.get(url).content

    run = FactsRefreshRun.objects.create()
    page = admin_client.get(url).content.decode()
    assert "waiting for the background worker" in page
    assert 'http-equiv="refresh"' in page

    FactsRefreshRun.objects.filter(pk=run.pk).update(started_at=run.created_at, total=2000, done=1500, changed=1200)
    page = admin_client.get(url).content.decode()
    assert "1,500 of 2,000 employees checked" in page
    assert '<progress max="100" value="75"' in page

    retirement_facts_refresh_task(run_id=FactsRefreshRun.objects.create().pk)  # a later run, finished
    page = admin_client.get(url).content.decode()
    assert "1 of 1 employees changed" in page
    assert 'http-equiv="refresh"' not in page


def test_a_failed_recomputation_stops_the_waiting_and_says_why(admin_client, employee, monkeypatch):
    from employees.services import register

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(register, "retirement_facts_refresh", broken)
    run = FactsRefreshRun.objects.create()
    with pytest.raises(RuntimeError):
        retirement_facts_refresh_task(run_id=run.pk)
    run.refresh_from_db()
    assert run.finished_at is not None and run.error == "RuntimeError: database went away"

    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(reverse("admin:employees_retirementrule_changelist")).content.decode()
    assert "stopped with an error: RuntimeError: database went away" in page
    assert 'http-equiv="refresh"' not in page
    assert page.count("admin/js/vendor/jquery/jquery") == 1  # the admin's head, once


def test_a_large_selection_is_recomputed_in_celery_with_its_progress_shown(
    admin_client, employee, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PURNA_FACTS_INLINE_MAX = 2
    others = [EmployeeFactory(unit=employee.unit) for _ in range(2)]
    selected = [employee, *others]
    Employee.objects.filter(pk__in=[e.pk for e in selected]).update(bup=None, tmt_pensiun=None)
    queued = []
    instead_of_broker(monkeypatch, retirement_facts_refresh_task, lambda **kwargs: queued.append(kwargs))
    url = reverse("admin:employees_employee_changelist")
    admin_client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "facts_recompute", "_selected_action": [e.pk for e in selected]}, follow=True
        )

    assert "The retirement dates of 3 employees are being recomputed in the background." in response.content.decode()
    run = FactsRefreshRun.objects.get()
    assert run.employee_ids == sorted(e.pk for e in selected)
    assert queued == [{"run_id": run.pk}]
    employee.refresh_from_db()
    assert employee.tmt_pensiun is None  # nothing done inside the request
    page = admin_client.get(url).content.decode()
    assert "waiting for the background worker" in page and 'http-equiv="refresh"' in page

    retirement_facts_refresh_task(**queued[0])

    run.refresh_from_db()
    assert (run.total, run.done, run.changed) == (3, 3, 3)
    employee.refresh_from_db()
    assert employee.tmt_pensiun == D(2028, 6, 1)
    page = admin_client.get(url).content.decode()
    assert "3 of 3 employees changed" in page and 'http-equiv="refresh"' not in page
