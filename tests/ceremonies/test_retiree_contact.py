"""A retiree's invitations and "certificate ready" emails go to their personal address, and their
printed invitation letter to their home, not to the office they have left ("RSUD ..., di Tempat");
the office only as a fallback (employees/contact.py). Letters are real WeasyPrint PDFs, read back."""

import datetime as dt

import pytest
from django.utils import timezone

from ceremonies import documents
from ceremonies.models import ParticipantStatus
from ceremonies.services.certificates import READY_KIND, certificates_issue, certificates_render
from ceremonies.services.invitations import KIND, invitations_send
from employees.choices import EmployeeStatus
from portal.demo import instansi_ensure
from purna.notifications.models import Message
from tests.ceremonies.test_certificates import held_event
from tests.ceremonies.test_documents import pdf_text, screenshot
from tests.factories import EventFactory, ParticipantFactory, UnitKerjaFactory

pytestmark = pytest.mark.django_db

RETIRED = {"employee__status": EmployeeStatus.PENSIUN, "employee__tmt_pensiun": dt.date(2025, 6, 1)}
AT_WORK = {"employee__status": EmployeeStatus.AKTIF, "employee__tmt_pensiun": dt.date(2035, 6, 1)}


@pytest.fixture(autouse=True)
def site(settings, private_media):
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"


def test_invitations_go_to_a_retirees_personal_email_and_the_office_only_as_fallback(actor):
    event = EventFactory()
    personal = ParticipantFactory(
        event=event, employee__email="ani@rsud.go.id", employee__personal_email="ani@gmail.com", **RETIRED
    )
    office_only = ParticipantFactory(event=event, employee__email="budi@rsud.go.id", **RETIRED)
    at_work = ParticipantFactory(
        event=event, employee__email="citra@dinkes.go.id", employee__personal_email="citra@gmail.com", **AT_WORK
    )
    nothing = ParticipantFactory(event=event, employee__email="", **RETIRED)

    report = invitations_send(event=event, actor=actor)

    sent = dict(Message.objects.filter(kind=KIND).values_list("object_id", "to_email"))
    assert sent == {personal.pk: "ani@gmail.com", office_only.pk: "budi@rsud.go.id", at_work.pk: "citra@dinkes.go.id"}
    assert report.needs_letter == [nothing]


def test_a_retiree_with_a_personal_email_only_needs_no_printed_letter():
    event = EventFactory()
    by_mail = ParticipantFactory(
        event=event, status=ParticipantStatus.INVITED, employee__email="", employee__personal_email="a@b.id", **RETIRED
    )
    by_letter = ParticipantFactory(event=event, status=ParticipantStatus.INVITED, employee__email="", **RETIRED)
    today = timezone.localdate()
    assert documents.letter_recipients([by_mail, by_letter], everyone=False, today=today) == [by_letter]


def test_a_retirees_letter_goes_home_and_an_employee_at_work_gets_it_at_the_unit():
    unit = UnitKerjaFactory(name="RSUD dr. Kanujoso Djatiwibowo")
    event = EventFactory()
    retiree = ParticipantFactory(
        event=event,
        status=ParticipantStatus.INVITED,
        employee__name="Hadi Santoso",
        employee__unit=unit,
        employee__email="",
        employee__address="Jl. Melati No. 5, RT 03\nKel. Sukamaju, Balikpapan",
        **RETIRED,
    )
    without_home = ParticipantFactory(
        event=event, status=ParticipantStatus.INVITED, employee__name="Indah Permata", employee__unit=unit, **RETIRED
    )
    at_work = ParticipantFactory(
        event=event,
        status=ParticipantStatus.INVITED,
        employee__name="Joko Widodo",
        employee__unit=unit,
        employee__address="Jl. Mawar 1",
        **AT_WORK,
    )

    pages = []
    for participant in (retiree, without_home, at_work):
        content = documents.letters_pdf(
            event=event,
            participants=[participant],
            instansi=instansi_ensure(),
            printed_on=dt.date(2026, 12, 7),
            checkin_url=lambda p: f"https://purna.contoh.go.id/hadir/{p.checkin_code}",
        )
        pages.append(" ".join(pdf_text(content).split()))
        if participant is retiree:
            screenshot(content, "ceremonies_letter_home")

    home, fallback, office = pages
    assert "Jl. Melati No. 5, RT 03 Kel. Sukamaju, Balikpapan" in home
    assert "RSUD dr. Kanujoso Djatiwibowo" not in home.split("Hadi Santoso")[1].split("Dengan hormat")[0]
    assert "di Tempat" not in home
    # No home address recorded: the office, as before.
    assert "RSUD dr. Kanujoso Djatiwibowo di Tempat" in fallback
    # At work: the unit, whatever the home address.
    assert "RSUD dr. Kanujoso Djatiwibowo di Tempat" in office and "Jl. Mawar 1" not in office


def test_certificate_ready_goes_to_the_retirees_personal_email(actor):
    event = held_event(attended=0, absent=0)
    for name, email, personal in [
        ("Ahmad Yani", "ahmad@rsud.go.id", "ahmad@gmail.com"),
        ("Budi Office", "budi@rsud.go.id", ""),
        ("Citra Personal", "", "citra@gmail.com"),
        ("Tanpa Email", "", ""),
    ]:
        ParticipantFactory(
            event=event,
            status=ParticipantStatus.ATTENDED,
            employee__name=name,
            employee__email=email,
            employee__personal_email=personal,
            **RETIRED,
        )
    batch = certificates_issue(event=event, actor=actor)
    certificates_render(batch_id=batch.pk)

    assert sorted(Message.objects.filter(kind=READY_KIND).values_list("to_email", flat=True)) == [
        "ahmad@gmail.com",
        "budi@rsud.go.id",
        "citra@gmail.com",
    ]
