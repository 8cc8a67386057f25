"""The register's staff pages: list, detail, create and edit (employees/views/register.py)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from employees.models import Employee
from employees.nip import build_nip
from employees.services.register import employee_update, retirement_facts_refresh
from portal import demo
from purna.pagination import CappedPaginator
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules")]


def indonesian(message: str, **values) -> str:
    with translation.override("id"):
        text = gettext(message)
    return text % values if values else text


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")


def form_data(unit, **overrides) -> dict:
    """A consistent PNS record as the form posts it: its NIP encodes birth date, TMT CPNS and gender."""
    data = {
        "asn_type": "PNS",
        "name": "Siti Aminah",
        "back_title": "S.Pd.",
        "birth_date": "1970-05-12",
        "gender": "2",
        "golongan": "III/c",
        "jenis_jabatan": "pelaksana",
        "jabatan": "Pengelola Data",
        "unit": unit.pk,
        "status": "aktif",
        "tmt_cpns": "1995-03-01",
        "prior_service_months": "0",
        "nip": "19700512 199503 2 001",
    }
    data.update(overrides)
    return data


# --- Permissions ----------------------------------------------------------------------------------------


@pytest.fixture
def employee(unit):
    return EmployeeFactory(unit=unit, name="Budi Santoso", jabatan="Guru Kelas")


def urls(employee) -> dict[str, str]:
    return {
        "list": reverse("employees:list"),
        "detail": reverse("employees:detail", args=[employee.pk]),
        "create": reverse("employees:create"),
        "update": reverse("employees:update", args=[employee.pk]),
    }


def test_operator_opens_every_register_page(client, operator, employee):
    client.force_login(operator)

    statuses = {name: client.get(url).status_code for name, url in urls(employee).items()}

    assert statuses == {"list": 200, "detail": 200, "create": 200, "update": 200}


def test_pimpinan_reads_but_may_not_add_or_edit(client, pimpinan, employee, unit):
    client.force_login(pimpinan)

    statuses = {name: client.get(url).status_code for name, url in urls(employee).items()}
    posted = client.post(urls(employee)["create"], form_data(unit))
    edited = client.post(urls(employee)["update"], form_data(unit, name="Diubah"))

    assert statuses == {"list": 200, "detail": 200, "create": 403, "update": 403}
    assert (posted.status_code, edited.status_code) == (403, 403)
    assert Employee.objects.count() == 1
    assert Employee.objects.get().name == "Budi Santoso"


def test_user_without_role_is_refused_every_register_page(client, no_role_user, employee):
    client.force_login(no_role_user)

    statuses = {name: client.get(url).status_code for name, url in urls(employee).items()}

    assert set(statuses.values()) == {403}


def test_edit_links_follow_permissions(client, operator, pimpinan, employee):
    detail = urls(employee)["detail"]
    client.force_login(operator)
    assert urls(employee)["update"].encode() in client.get(detail).content
    assert reverse("employees:create").encode() in client.get(reverse("employees:list")).content

    client.force_login(pimpinan)
    assert urls(employee)["update"].encode() not in client.get(detail).content
    assert reverse("employees:create").encode() not in client.get(reverse("employees:list")).content


def test_unknown_employee_is_not_found(operator_client):
    assert operator_client.get(reverse("employees:detail", args=[999999])).status_code == 404
    assert operator_client.get(reverse("employees:update", args=[999999])).status_code == 404


# --- List -----------------------------------------------------------------------------------------------


def test_list_searches_filters_and_counts(operator_client, unit):
    EmployeeFactory(name="Siti Aminah", unit=unit, tmt_pensiun=D(2027, 5, 1))
    EmployeeFactory(name="Siti Rahma", unit=unit, tmt_pensiun=D(2030, 1, 1))
    EmployeeFactory(name="Budi Santoso", unit=UnitKerjaFactory())

    response = operator_client.get(reverse("employees:list"), {"q": "siti", "tmt_until": "2028-12"})

    assert [e.name for e in response.context["object_list"]] == ["Siti Aminah"]
    assert response.context["paginator"].count == 1
    assert "Siti Aminah" in response.content.decode()
    assert "1 Mei 2027" in response.content.decode()  # TMT pensiun in Indonesian


def test_sort_headers_reverse_the_direction_and_show_an_arrow(operator_client, unit):
    EmployeeFactory.create_batch(2, unit=unit)

    response = operator_client.get(reverse("employees:list"), {"q": "", "sort": "tmt_pensiun"})
    links = response.context["sort_links"]

    assert links["tmt_pensiun"] == {"url": "?q=&sort=-tmt_pensiun", "direction": "asc"}
    assert links["name"]["url"] == "?q=&sort=name" and links["name"]["direction"] == ""
    assert "▲" in response.content.decode()


def test_pagination_keeps_the_filters(operator_client, unit):
    EmployeeFactory.create_batch(51, unit=unit, jabatan="Guru Kelas")

    response = operator_client.get(reverse("employees:list"), {"unit": unit.pk, "sort": "-name"})

    assert response.context["paginator"].num_pages == 2
    assert f"unit={unit.pk}&amp;sort=-name&amp;page=2" in response.content.decode()


def test_a_page_past_the_last_of_a_short_list_is_its_last_page(operator_client, unit):
    # A link kept from before the list shrank (a filter changed, records moved away) still opens.
    EmployeeFactory.create_batch(51, unit=unit)

    response = operator_client.get(reverse("employees:list"), {"unit": unit.pk, "page": 7})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 2 and len(response.context["object_list"]) == 1
    empty = operator_client.get(reverse("employees:list"), {"q": "tidak ada nama ini", "page": 3})
    assert empty.status_code == 200 and not empty.context["object_list"]


SHOWING_CUT = "Showing %(start)s\u2013%(end)s of more than %(total)s"  # the pagination's text of a cut list


def test_the_pages_stop_at_a_limit_that_says_to_narrow_the_search(operator_client, unit, monkeypatch):
    # 20 pages of 50 in production; 2 pages of 50 here, so that 120 employees are past the limit.
    monkeypatch.setattr(CappedPaginator, "max_pages", 2)
    Employee.objects.bulk_create([EmployeeFactory.build(unit=unit, name=f"Pegawai {n:03}") for n in range(120)])
    url = reverse("employees:list")

    first = operator_client.get(url, {"unit": unit.pk})
    page = first.content.decode()
    assert first.context["paginator"].capped and first.context["paginator"].num_pages == 2
    assert indonesian("More than %(shown)s employees found", shown="100") in page
    assert indonesian(SHOWING_CUT, start=1, end=50, total="100") in page
    assert "1 / 2+" in page
    assert f"unit={unit.pk}&amp;page=2" in page and 'data-testid="page-limit"' not in page

    # The last page, and a page asked far past it, show rows 51-100 and say how to find the others.
    with CaptureQueriesContext(connection) as first_queries:
        operator_client.get(url, {"unit": unit.pk})
    with CaptureQueriesContext(connection) as deep_queries:
        deep = operator_client.get(url, {"unit": unit.pk, "page": 200})
    assert deep.status_code == 200
    assert [e.name for e in deep.context["object_list"]] == [f"Pegawai {n:03}" for n in range(50, 100)]
    assert 'data-testid="page-limit"' in deep.content.decode() and "page=3" not in deep.content.decode()
    assert indonesian(SHOWING_CUT, start=51, end=100, total="100") in deep.content.decode()
    assert (
        indonesian(
            "Only the first %(total)s are listed. Narrow the list with the search or the filters to find the others.",
            total="100",
        )
        in deep.content.decode()
    )
    assert len(deep_queries) == len(first_queries)

    # Under the limit the count is exact.
    narrowed = operator_client.get(url, {"unit": unit.pk, "q": "Pegawai 01"})  # 001, 010-019, 101
    assert narrowed.context["paginator"].count == 12 and not narrowed.context["paginator"].capped
    assert '"result-count">12 ' in narrowed.content.decode()
    assert operator_client.get(url, {"page": "x"}).status_code == 404


def test_export_buttons_carry_the_filters(operator_client, unit):
    EmployeeFactory(unit=unit)

    response = operator_client.get(reverse("employees:list"), {"q": "siti", "status": "aktif", "page": "1"})

    page = response.content.decode()
    for fmt in ("xlsx", "csv"):
        assert f'href="{reverse("employees:export", args=[fmt])}?q=siti&amp;status=aktif"' in page


def test_bad_month_is_reported_and_ignored(operator_client, unit):
    EmployeeFactory(unit=unit)

    response = operator_client.get(reverse("employees:list"), {"tmt_from": "bulan lalu"})

    assert response.status_code == 200
    assert response.context["paginator"].count == 1
    assert response.context["filter"].form.errors


def test_a_filter_until_before_its_from_is_refused_saying_so(operator_client, unit):
    EmployeeFactory(unit=unit)

    response = operator_client.get(reverse("employees:list"), {"tmt_from": "2030-05", "tmt_until": "2030-01"})

    message = (
        "“TMT pensiun sampai (bulan)” sebelum “TMT pensiun dari (bulan)”: tidak ada yang dapat ditemukan di antaranya."
    )
    assert response.context["filter"].form.errors == {"tmt_until": [message]}
    assert message in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_typo_offers_similar_names(operator_client, unit):
    EmployeeFactory(name="Siti Aminah", unit=unit)

    response = operator_client.get(reverse("employees:list"), {"q": "Sitti Aminha"})

    assert response.context["paginator"].count == 0
    assert [e.name for e in response.context["similar"]] == ["Siti Aminah"]


# --- Detail ---------------------------------------------------------------------------------------------


def test_detail_shows_retirement_facts_mpp_and_history(operator_client, operator, unit):
    employee = EmployeeFactory(
        unit=unit, birth_date=D(1968, 5, 12), tmt_cpns=D(1993, 3, 1), jenis_jabatan="pelaksana", name="Siti Aminah"
    )
    employee = employee_update(employee=employee, actor=operator, jabatan="Analis Kepegawaian")

    response = operator_client.get(reverse("employees:detail", args=[employee.pk]))
    page = response.content.decode()

    assert response.context["case"] is None
    assert "1 Juni 2026" in page  # BUP 58 reached 12 May 2026, TMT the 1st of the next month
    assert employee.retirement_rule.legal_basis in page
    assert response.context["mpp"].earliest_start == D(2025, 6, 1)
    latest = response.context["history"][0]
    assert latest.user == (operator.get_full_name() or operator.username)
    assert [(c.old, c.new) for c in latest.changes if c.new == "Analis Kepegawaian"] == [
        ("Penata Kelola Sistem", "Analis Kepegawaian")
    ]
    assert "Analis Kepegawaian" in page


def test_detail_warns_about_an_entry_that_cannot_be_right(operator_client, unit):
    late = EmployeeFactory(unit=unit, birth_date=D(1975, 5, 12), tmt_cpns=D(2016, 6, 1))  # TMT CPNS at 41
    fine = EmployeeFactory(unit=unit, birth_date=D(1975, 5, 12), tmt_cpns=D(2000, 6, 1))

    late_page = operator_client.get(reverse("employees:detail", args=[late.pk]))
    fine_page = operator_client.get(reverse("employees:detail", args=[fine.pk]))

    assert [w.message for w in late_page.context["register_warnings"]] == [
        "TMT CPNS 1 Juni 2016 pada usia 41 tahun, melebihi 40 tahun, batas usia pengangkatan tertinggi "
        "(PP 11/2017 pasal 23)."
    ]
    assert 'data-testid="register-warning"' in late_page.content.decode()
    assert 'data-testid="register-warning"' not in fine_page.content.decode()


def test_detail_shows_the_special_bup_decree(operator_client, unit):
    employee = EmployeeFactory(
        unit=unit,
        bup=62,
        bup_override=62,
        bup_override_decree="800/12/BKPSDM/2025",
        bup_override_reason="Perpanjangan",
    )

    page = operator_client.get(reverse("employees:detail", args=[employee.pk])).content.decode()

    assert "800/12/BKPSDM/2025" in page


def test_detail_includes_the_retirement_record(operator_client, unit):
    employee = EmployeeFactory(unit=unit, tmt_pensiun=D(2027, 7, 1))
    case = RetirementCaseFactory(employee=employee)

    response = operator_client.get(reverse("employees:detail", args=[employee.pk]))

    assert response.context["case"] == case
    assert b'data-testid="case-card"' in response.content


# --- Create and edit ------------------------------------------------------------------------------------


def test_operator_adds_an_employee(operator_client, operator, unit):
    response = operator_client.post(reverse("employees:create"), form_data(unit))

    employee = Employee.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("employees:detail", args=[employee.pk])
    assert employee.nip == "197005121995032001"
    assert employee.tmt_pensiun == D(2028, 6, 1)  # BUP 58
    assert employee.history.get().history_user == operator
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "success"


def test_bad_nip_is_explained_in_indonesian_and_nothing_is_saved(operator_client, unit):
    response = operator_client.post(reverse("employees:create"), form_data(unit, nip="19700512 199503 2 01"))

    assert response.status_code == 200
    assert Employee.objects.count() == 0
    assert response.context["form"].errors["nip"] == [
        indonesian(
            "%(label)s must have %(expected)d digits; this one has %(count)d.", label="NIP", expected=18, count=17
        )
    ]
    assert "harus terdiri atas 18 angka" in response.content.decode()


def test_nip_mismatch_names_the_part_and_offers_the_override(operator_client, unit):
    response = operator_client.post(reverse("employees:create"), form_data(unit, birth_date="1970-05-13"))

    form = response.context["form"]
    page = response.content.decode()
    assert response.status_code == 200
    assert Employee.objects.count() == 0
    [nip_error] = form.errors["nip"]
    assert "tanggal lahir" in nip_error  # the part of the NIP that disagrees, in Indonesian
    assert "12 Mei 1970" in nip_error and "13 Mei 1970" in nip_error
    assert form.non_field_errors()
    assert form.shows_nip_override
    assert 'name="nip_mismatch_accepted"' in page and 'name="nip_mismatch_reason"' in page


def test_override_without_reason_is_refused(operator_client, unit):
    data = form_data(unit, birth_date="1970-05-13", nip_mismatch_accepted="on")

    response = operator_client.post(reverse("employees:create"), data)

    assert Employee.objects.count() == 0
    assert response.context["form"].errors["nip_mismatch_reason"] == [
        indonesian("Accepting a NIP that disagrees with the record needs a reason.")
    ]


def test_accepted_nip_mismatch_saves_and_is_recorded_in_the_history(operator_client, unit):
    data = form_data(
        unit, birth_date="1970-05-13", nip_mismatch_accepted="on", nip_mismatch_reason="SK CPNS lama, BKN 2019"
    )

    response = operator_client.post(reverse("employees:create"), data)

    employee = Employee.objects.get()
    assert response.status_code == 302
    assert employee.nip_mismatch_accepted and employee.nip_mismatch_reason == "SK CPNS lama, BKN 2019"
    assert "birth_date" in employee.history.get().history_change_reason


def test_jenjang_outside_jabatan_fungsional_is_refused(operator_client, unit):
    response = operator_client.post(reverse("employees:create"), form_data(unit, jenjang="ahli_muda"))

    assert Employee.objects.count() == 0
    assert response.context["form"].errors["jenjang"] == [indonesian("Only a jabatan fungsional has a jenjang.")]


def test_pppk_golongan_for_a_pns_is_refused(operator_client, unit):
    response = operator_client.post(reverse("employees:create"), form_data(unit, golongan="IX"))

    assert Employee.objects.count() == 0
    assert "golongan" in response.context["form"].errors


def test_operator_edits_the_jabatan(operator_client, operator, unit):
    employee = EmployeeFactory(
        unit=unit,
        name="Siti Aminah",
        birth_date=D(1970, 5, 12),
        gender="2",
        tmt_cpns=D(1995, 3, 1),
        nip=build_nip(D(1970, 5, 12), D(1995, 3, 1), "2", 1),
    )
    url = reverse("employees:update", args=[employee.pk])
    form = operator_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(unit=unit.pk, jabatan="Kepala Seksi Kurikulum", jenis_jabatan="pengawas")
    for name in ("birth_date", "tmt_cpns"):
        data[name] = data[name].isoformat()

    response = operator_client.post(url, data)

    employee.refresh_from_db()
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert employee.jabatan == "Kepala Seksi Kurikulum"
    assert employee.history.latest().history_user == operator
    follow = operator_client.get(response["Location"])
    assert "Kepala Seksi Kurikulum" in follow.content.decode()


def test_edit_form_shows_dates_as_iso_for_the_date_picker(operator_client, unit):
    employee = EmployeeFactory(unit=unit, birth_date=D(1970, 5, 12))

    page = operator_client.get(reverse("employees:update", args=[employee.pk])).content.decode()

    assert 'type="date" name="birth_date" value="1970-05-12"' in page


# --- A fixed number of queries, whatever the register's size -------------------------------------------


def register_of(size: int) -> None:
    """`size` believable employees (portal.demo), saved in bulk with their retirement facts."""
    units = demo.units_ensure()
    have = Employee.objects.count()
    Employee.objects.bulk_create(
        demo.employees_build(size - have, today=timezone.localdate(), units=units, seed=size), ignore_conflicts=True
    )
    retirement_facts_refresh()


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_register_pages_run_the_same_queries_for_5_and_500_employees(client, operator, django_assert_max_num_queries):
    client.force_login(operator)
    register_of(5)
    employee = Employee.objects.order_by("pk").first()
    employee_update(employee=employee, actor=operator, phone="0812 1111")
    RetirementCaseFactory(employee=employee)
    name_word = employee.name.split()[0]
    pages = {
        "list": reverse("employees:list"),
        "list, name search": f"{reverse('employees:list')}?q={name_word}",
        "list, NIP prefix": f"{reverse('employees:list')}?q={employee.nip[:8]}+{employee.nip[8:12]}",
        "list, filters and sort": f"{reverse('employees:list')}?status=aktif_mpp&unit={employee.unit_id}&sort=-unit",
        "detail": reverse("employees:detail", args=[employee.pk]),
        "edit": reverse("employees:update", args=[employee.pk]),
    }
    for url in pages.values():
        client.get(url)  # warm the content type and permission caches: the first visit fills them
    small = {name: page_queries(client, url) for name, url in pages.items()}

    register_of(500)
    for _ in range(3):  # a longer history
        employee = employee_update(employee=employee, actor=operator, phone=f"0812 {_}")
    with django_assert_max_num_queries(12):
        client.get(pages["list"])
    large = {name: page_queries(client, url) for name, url in pages.items()}

    assert Employee.objects.count() > 400
    assert large == small
    # The detail page lists payouts, events and certificates, the family's spouses, children and parents,
    # the retiree's pending correction requests and the portal sign-in codes' log: one query each; the
    # record's checklist reads its conditions' facts from the family already read, the history the
    # family's changes in one query, and the header the agency.
    assert max(large.values()) <= 22


# --- In a real browser ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_operator_finds_edits_and_drills_down_in_a_browser(page, live_server, role_user):
    from django.conf import settings

    from employees.retirement import add_months

    shots = settings.BASE_DIR / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    role_user("Operator", username="operator-register", password="rahasia-uji-123")
    # A pelaksana (BUP 58) whose TMT pensiun is the 1st of the month after next.
    tmt = add_months(timezone.localdate().replace(day=1), 2)
    birth = add_months(tmt, -58 * 12 - 1).replace(day=10)
    tmt_cpns = D(birth.year + 25, 3, 1)
    unit = UnitKerjaFactory(code="BKPSDM", name="Badan Kepegawaian dan Pengembangan SDM")
    EmployeeFactory(
        name="Siti Aminah",
        gender="2",
        birth_date=birth,
        tmt_cpns=tmt_cpns,
        nip=build_nip(birth, tmt_cpns, "2", 1),
        unit=unit,
        jabatan="Pengelola Data",
        tmt_pensiun=tmt,
        bup=58,
    )
    EmployeeFactory(name="Siti Rahma", unit=unit, tmt_pensiun=add_months(tmt, 30))
    EmployeeFactory(name="Budi Santoso", unit=unit)

    page.goto("/akun/masuk/?next=/pegawai/")
    page.fill("#id_username", "operator-register")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pegawai/")

    page.fill("#id_q", "aminah siti")
    page.locator("form.filter-bar button[type=submit]").click()
    page.wait_for_url("**q=aminah+siti**")
    assert page.locator("table.employee-table tbody tr").count() == 1
    page.screenshot(path=shots / "register_search.png", full_page=True)
    page.get_by_role("link", name="Siti Aminah").click()
    page.wait_for_url("**/pegawai/*/")
    assert page.get_by_test_id("tmt-pensiun").inner_text().startswith("1 ")

    page.locator('a[href$="/ubah/"]').click()
    page.wait_for_url("**/ubah/")
    assert page.locator("#id_jenjang").is_hidden()  # only for a jabatan fungsional
    page.select_option("#id_jenis_jabatan", "fungsional")
    assert page.locator("#id_jenjang").is_visible()
    page.select_option("#id_jenis_jabatan", "pelaksana")
    page.fill("#id_jabatan", "Kepala Seksi Kurikulum")
    page.locator("form.employee-form button[type=submit]").click()
    page.wait_for_url("**/pegawai/*/")
    assert page.locator(".alert-success").is_visible()
    assert page.get_by_test_id("jabatan").inner_text() == "Kepala Seksi Kurikulum"
    assert "Kepala Seksi Kurikulum" in page.get_by_test_id("history").inner_text()
    page.screenshot(path=shots / "register_detail_after_edit.png", full_page=True)

    page.goto("/pegawai/proyeksi/")
    bar = page.locator('[data-testid="chart-monthly"] svg a').nth(1)  # the month after next
    assert bar.get_attribute("aria-label").endswith(": 1")
    page.screenshot(path=shots / "register_projection.png", full_page=True)
    bar.click()
    page.wait_for_url(f"**tmt_from={tmt:%Y-%m}**")
    rows = page.locator("table.employee-table tbody tr")
    assert rows.count() == 1
    assert "Siti Aminah" in rows.first.inner_text()


def _with_related(unit, count: int) -> Employee:
    from benefits.models import PayoutStatus
    from tests.factories import ParticipantFactory, PayoutFactory

    employee = EmployeeFactory(unit=unit, name=f"Pensiunan {count}")
    for _ in range(count):
        PayoutFactory(
            employee=employee, status=PayoutStatus.CANCELLED, cancelled_at=timezone.now(), cancel_reason="Ganda"
        )
        ParticipantFactory(employee=employee)
    return employee


def test_detail_links_payouts_and_events_in_a_fixed_number_of_queries(operator_client, unit, django_assert_num_queries):
    few, many = _with_related(unit, 5), _with_related(unit, 50)
    operator_client.get(reverse("employees:detail", args=[few.pk]))  # warm the session and the caches
    with CaptureQueriesContext(connection) as counted:
        page = operator_client.get(reverse("employees:detail", args=[few.pk])).content.decode()
    assert page.count(reverse("benefits:payout_detail", args=[few.payouts.first().pk])) == 1
    assert page.split('data-testid="related-events"')[1].split("</ul>")[0].count("<li>") == 5

    with django_assert_num_queries(len(counted.captured_queries)):
        page = operator_client.get(reverse("employees:detail", args=[many.pk])).content.decode()
    events = page.split('data-testid="related-events"')[1].split("</ul>")[0]
    assert events.count("<li>") == 50
    assert page.split('data-testid="related-payouts"')[1].split("</ul>")[0].count("<li>") == 50


def test_detail_reads_payouts_and_events_only_when_the_person_has_some(operator_client, unit):
    """Most employees have no payout nor event yet: their page skips those three reads, and says "None."."""
    from benefits.models import PayoutStatus
    from tests.factories import PayoutFactory

    with_related, without = _with_related(unit, 1), EmployeeFactory(unit=unit, name="Belum Ada Apa-apa")
    only_payout = EmployeeFactory(unit=unit, name="Hanya Pembayaran")
    PayoutFactory(employee=only_payout, status=PayoutStatus.CANCELLED, cancelled_at=timezone.now(), cancel_reason="x")
    operator_client.get(reverse("employees:detail", args=[without.pk]))  # warm the session and the caches
    counts, pages = {}, {}
    for name, employee in (("with", with_related), ("without", without), ("only_payout", only_payout)):
        with CaptureQueriesContext(connection) as counted:
            pages[name] = operator_client.get(reverse("employees:detail", args=[employee.pk])).content.decode()
        counts[name] = len(counted.captured_queries)

    assert counts["without"] == counts["with"] - 3
    assert counts["only_payout"] == counts["with"] - 2  # no events, so no certificates either
    related = pages["without"].split('data-testid="related"')[1].split("</div>\n    </div>")[0]
    assert related.count("Tidak ada.") == 3
    assert 'data-testid="related-payouts"' in pages["only_payout"]
    assert 'data-testid="related-events"' not in pages["only_payout"]
    assert 'data-testid="related-events"' in pages["with"]


def test_detail_warns_when_a_person_past_the_tmt_is_still_aktif(operator_client, unit):
    today = timezone.localdate()
    past = EmployeeFactory(unit=unit, name="Masih Aktif")
    Employee.objects.filter(pk=past.pk).update(tmt_pensiun=today - dt.timedelta(days=40), status="aktif")
    future = EmployeeFactory(unit=unit, name="Belum Pensiun")
    Employee.objects.filter(pk=future.pk).update(tmt_pensiun=today + dt.timedelta(days=400), status="aktif")

    warned = operator_client.get(reverse("employees:detail", args=[past.pk])).content.decode()
    quiet = operator_client.get(reverse("employees:detail", args=[future.pk])).content.decode()

    assert 'data-testid="active-past-tmt"' in warned
    assert 'data-testid="active-past-tmt"' not in quiet


@pytest.mark.parametrize("dead_by", ["status", "record"])
def test_detail_of_an_employee_who_died_shows_no_countdown_to_the_bup(operator_client, unit, dead_by):
    """Before the BUP, a death recorded by the status or by a janda/duda record: no "time left" nor MPP
    window, and the TMT shown is named the BUP's (the death record's own TMT is on its card)."""
    tmt = (timezone.localdate().replace(day=1) + dt.timedelta(days=800)).replace(day=1)
    employee = EmployeeFactory(unit=unit, tmt_pensiun=tmt, status="meninggal" if dead_by == "status" else "aktif")
    if dead_by == "record":
        RetirementCaseFactory(employee=employee, kind="janda_duda", died_on=timezone.localdate())
    living = EmployeeFactory(unit=unit, tmt_pensiun=tmt)

    response = operator_client.get(reverse("employees:detail", args=[employee.pk]))
    card = response.content.decode().split('data-testid="retirement-card"')[1].split("</dl>")[0]

    assert response.context["deceased"] is True
    assert indonesian("Time left") not in card and indonesian("MPP (pre-retirement leave)") not in card
    assert indonesian("TMT pensiun (BUP)") in card
    living_card = operator_client.get(reverse("employees:detail", args=[living.pk])).content.decode()
    assert indonesian("Time left") in living_card and indonesian("MPP (pre-retirement leave)") in living_card


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's choice is PostgreSQL's")
@pytest.mark.parametrize("sort", ["golongan", "-golongan"])
def test_sorting_by_golongan_reads_its_index(sort):
    """Sorted by golongan (then name, then id), the register's first page comes from employee_golongan_name,
    not from every row sorted: 85 ms at 100,000 employees, growing with the register (bench/pages.py).
    Which plan a test table's planner prefers is its own; the index must serve the order."""
    from employees.filters import EmployeeFilter
    from employees.scope import ALL_UNITS
    from employees.selectors import employee_list

    queryset = EmployeeFilter({"sort": sort}, queryset=employee_list(scope=ALL_UNITS), scope=ALL_UNITS).qs
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = queryset[:50].explain()
    assert "employee_golongan_name" in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["unit", "-unit"])
def test_every_page_sorted_by_unit_holds_the_rows_the_full_sort_puts_there(sort, django_assert_max_num_queries):
    """Sorted by unit, a page reads only the units that hold its rows (unit_sorted_rows): every page must
    still hold exactly the rows, in the order, of the whole register sorted by unit name, then name, then
    id; with units of very different sizes, two units of the same name (their people sorted together), a
    search and a scope."""
    from employees.filters import EmployeeFilter
    from employees.scope import ALL_UNITS, Scope
    from employees.selectors import RegisterPaginator, employee_list

    units = [
        UnitKerjaFactory(name=name)
        for name in ["Dinas Pendidikan", "Badan Keuangan", "Puskesmas", "Puskesmas", "Kecamatan Barat", "Zona"]
    ]
    sizes = [23, 1, 7, 6, 0, 12]
    names = ["Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hadi", "Indah"]
    for unit, size in zip(units, sizes, strict=True):
        for index in range(size):
            EmployeeFactory(unit=unit, name=f"{names[(index * 7 + unit.pk) % len(names)]} {index}")

    for scope, search in [
        (ALL_UNITS, ""),
        (ALL_UNITS, "a"),
        (Scope(unit_ids=frozenset({units[0].pk, units[2].pk, units[3].pk})), ""),
    ]:
        data = {"sort": sort, **({"q": search} if search else {})}
        queryset = EmployeeFilter(data, queryset=employee_list(scope=scope), scope=scope).qs
        everyone = list(queryset.values_list("pk", flat=True))
        assert len(everyone) == len(set(everyone)) and everyone
        for per_page in (1, 4, 5, 50):
            paginator = RegisterPaginator(queryset, per_page)
            shown = []
            for number in paginator.page_range:
                with django_assert_max_num_queries(3):  # the groups (then cached), the page, and the count
                    shown += [employee.pk for employee in paginator.page(number).object_list]
            # A list deeper than the pages shown is cut (CappedPaginator): the rows up to the cut.
            assert shown == everyone[: paginator.limit], (scope, search, per_page)
