"""The ceremonies in the Django admin: events saved through the services (same checks, history with the
user), signatories kept, and only the events of the user's scope listed or opened; certificates and
their batches read-only, revoked, re-issued and printed again through the services' actions, by those
who may change events only, in a fixed number of queries."""

import datetime as dt
import uuid

import pytest
from django.contrib.admin import helpers
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceremonies.models import (
    Attendance,
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateStatus,
    CheckinOperation,
    Event,
    Official,
    ParticipantStatus,
)
from ceremonies.services.certificates import certificates_issue
from ceremonies.services.events import participant_check_in, participant_check_in_undo
from purna import roles
from tests.ceremonies.test_certificates import held_event
from tests.factories import EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM")


def admin_client(**kwargs) -> tuple[Client, object]:
    user = UserFactory(roles=[roles.ADMIN], is_staff=True, **kwargs)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client, user


def event_form(unit, official, **changes) -> dict:
    data = {
        "kind": "pelepasan",
        "title": "Pelepasan ASN Purna Tugas Triwulan II",
        "starts_at_0": "2027-04-21",
        "starts_at_1": "09:00:00",
        "ends_at_0": "2027-04-21",
        "ends_at_1": "12:00:00",
        "venue": "Aula Pemkot",
        "attendance_by": "hari",
        "organizer": unit.pk,
        "capacity": "30",
        "presiding_official": official.pk,
        "signatories": [official.pk],
        "description": "",
        "print_offset_x_mm": "0",
        "print_offset_y_mm": "0",
        **{
            f"{prefix}-{key}": value
            for prefix in ("sessions", "participants")
            for key, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    }
    return {**data, **changes}


def test_an_event_added_in_the_admin_goes_through_the_service(unit):
    client, user = admin_client(units=[unit])
    official = Official.objects.create(name="Drs. H. Rahmat Hidayat", title="Wali Kota")

    response = client.post(reverse("admin:ceremonies_event_add"), event_form(unit, official))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert event.created_by == user and event.history.get().history_user == user
    assert list(event.signatories.all()) == [official]


def test_the_admin_refuses_what_the_service_refuses(unit):
    client, _user = admin_client(units=[unit])
    official = Official.objects.create(name="A", title="B")
    other = UnitKerjaFactory(code="DLH")

    response = client.post(
        reverse("admin:ceremonies_event_add"),
        event_form(unit, official, ends_at_1="08:00:00", organizer=other.pk),
    )

    errors = response.context["adminform"].form.errors
    assert "The end must be after the start." in errors["ends_at"]
    assert "organizer" in errors
    assert not Event.objects.exists()


def test_the_admin_shows_only_the_events_of_the_scope(unit):
    client, _user = admin_client(units=[unit])
    mine = EventFactory(organizer=unit, title="Pelepasan BKPSDM")
    theirs = EventFactory(organizer=UnitKerjaFactory(code="DLH"), title="Pelepasan DLH")
    ParticipantFactory(event=theirs)

    listing = client.get(reverse("admin:ceremonies_event_changelist")).content.decode()

    assert "Pelepasan BKPSDM" in listing and "Pelepasan DLH" not in listing
    assert client.get(reverse("admin:ceremonies_event_history", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:ceremonies_event_change", args=[mine.pk])).status_code == 200


# --- Certificates and their printing batches ---------------------------------------------------------


@pytest.fixture
def certificate_settings(settings, private_media):
    settings.PURNA_CERTIFICATE_PLACE = "Balikpapan"


def issued(unit, n: int = 3) -> list[Certificate]:
    """`n` certificates of a held event organised by `unit`, for employees of `unit` (not printed)."""
    event = held_event(attended=0, absent=0, organizer=unit)
    for i in range(n):
        ParticipantFactory(
            event=event, status=ParticipantStatus.ATTENDED, employee__unit=unit, employee__name=f"{unit.code} {i:02d}"
        )
    certificates_issue(event=event, actor=UserFactory(units="all"))
    return list(Certificate.objects.filter(participant__event=event).order_by("seq"))


def changelist(client, **params) -> str:
    response = client.get(reverse("admin:ceremonies_certificate_changelist"), params)
    assert response.status_code == 200
    return response.content.decode()


def run_action(client, action: str, certificates, model: str = "certificate", **data):
    return client.post(
        reverse(f"admin:ceremonies_{model}_changelist"),
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [c.pk for c in certificates], **data},
    )


def superuser_client() -> tuple[Client, object]:
    user = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client, user


def test_the_certificate_list_shows_every_certificate_to_a_superuser(unit, certificate_settings):
    mine, theirs = issued(unit, 2), issued(UnitKerjaFactory(code="DLH"), 1)
    client, _user = superuser_client()

    listing = changelist(client)

    assert all(c.number in listing for c in mine + theirs)
    assert mine[0].participant.employee.nip in listing and mine[0].participant.event.title in listing
    assert mine[0].number in changelist(client, q=mine[0].participant.employee.nip)
    assert mine[1].number not in changelist(client, q=mine[0].participant.employee.nip)
    assert mine[0].number in changelist(client, q=mine[0].verification_code)
    assert mine[0].number in changelist(client, tahun=str(mine[0].year))
    assert mine[0].number not in changelist(client, tahun=str(mine[0].year + 1))


def test_an_admin_of_some_units_sees_only_their_employees_certificates(unit, certificate_settings):
    mine, theirs = issued(unit, 2), issued(UnitKerjaFactory(code="DLH"), 1)
    client, _user = admin_client(units=[unit])

    listing = changelist(client)

    assert all(c.number in listing for c in mine) and theirs[0].number not in listing
    assert client.get(reverse("admin:ceremonies_certificate_change", args=[mine[0].pk])).status_code == 200
    assert client.get(reverse("admin:ceremonies_certificate_change", args=[theirs[0].pk])).status_code == 302
    assert client.get(reverse("admin:ceremonies_certificate_history", args=[theirs[0].pk])).status_code == 404
    run_action(client, "revoke", theirs, confirm="yes", reason="Salah orang")
    assert Certificate.objects.get(pk=theirs[0].pk).status == CertificateStatus.VALID


def test_a_certificate_is_shown_read_only_with_its_pdf_verification_and_history(unit, certificate_settings):
    certificate = issued(unit, 1)[0]
    Certificate.objects.filter(pk=certificate.pk).update(file="sertifikat/x.pdf", rendered_version=1)
    client, _user = admin_client(units=[unit])

    page = client.get(reverse("admin:ceremonies_certificate_change", args=[certificate.pk])).content.decode()

    assert reverse("ceremonies:certificate_pdf", args=[certificate.pk]) in page
    assert reverse("certificate_verify", args=[certificate.verification_code]) in page
    assert 'name="_save"' not in page and 'name="wording"' not in page
    assert client.get(reverse("admin:ceremonies_certificate_add")).status_code == 403
    assert client.get(reverse("admin:ceremonies_certificate_delete", args=[certificate.pk])).status_code == 403
    history = client.get(reverse("admin:ceremonies_certificate_history", args=[certificate.pk]))
    assert history.status_code == 200 and "issued" in history.content.decode()


def test_revoking_asks_for_the_reason_then_revokes_with_history(unit, certificate_settings):
    certificates = issued(unit, 2)
    client, user = admin_client(units=[unit])

    confirmation = run_action(client, "revoke", certificates, index="0")
    assert confirmation.status_code == 200
    assert 'name="reason"' in confirmation.content.decode()
    assert all(c.number in confirmation.content.decode() for c in certificates)
    assert Certificate.objects.filter(status=CertificateStatus.REVOKED).count() == 0

    response = run_action(client, "revoke", certificates, confirm="yes", reason="Diterbitkan untuk orang yang salah")

    assert response.status_code == 302
    for certificate in Certificate.objects.filter(pk__in=[c.pk for c in certificates]):
        assert certificate.status == CertificateStatus.REVOKED
        assert certificate.revoked_reason == "Diterbitkan untuk orang yang salah" and certificate.revoked_by == user
        latest = certificate.history.first()
        assert (latest.history_user, latest.history_change_reason) == (user, "revoked")
    assert "2 certificates revoked." in client.get(response.url).content.decode()


def test_revoking_without_a_reason_says_so_and_changes_nothing(unit, certificate_settings):
    certificate = issued(unit, 1)[0]
    client, _user = admin_client(units=[unit])

    response = run_action(client, "revoke", [certificate], confirm="yes", reason="  ")

    assert response.status_code == 200
    assert "Give the reason for revoking the certificate." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID and certificate.history.count() == 1


def test_revoking_a_revoked_certificate_is_an_error_message(unit, certificate_settings):
    certificate = issued(unit, 1)[0]
    client, _user = admin_client(units=[unit])
    run_action(client, "revoke", [certificate], confirm="yes", reason="Salah nama")

    response = run_action(client, "revoke", [certificate], confirm="yes", reason="Lagi")

    assert response.status_code == 302
    assert "already been revoked" in client.get(response.url).content.decode()
    assert Certificate.objects.get().revoked_reason == "Salah nama"


def test_reissuing_makes_a_new_version_in_a_new_batch(unit, certificate_settings, django_capture_on_commit_callbacks):
    certificate = issued(unit, 1)[0]
    client, user = admin_client(units=[unit])

    with django_capture_on_commit_callbacks() as callbacks:
        response = run_action(client, "reissue", [certificate])

    assert response.status_code == 302
    reissued = Certificate.objects.get()
    assert (reissued.version, reissued.number) == (2, certificate.number)
    assert reissued.batch != certificate.batch and reissued.batch.total == 1
    assert reissued.batch.requested_by == user and reissued.history.first().history_user == user
    assert len(callbacks) == 1  # the printing of the new version, queued after commit
    assert "1 certificate re-issued" in client.get(response.url).content.decode()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_reissuing_names_a_certificate_the_busy_database_refused_and_does_the_others(unit, certificate_settings):
    first, busy, last = issued(unit, 3)
    # A real serialization failure (SQLSTATE 40001) from PostgreSQL when the second one is written.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_busy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.id = {busy.pk} THEN RAISE EXCEPTION 'busy' USING ERRCODE = '40001'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER test_busy BEFORE UPDATE ON {Certificate._meta.db_table} "
            "FOR EACH ROW EXECUTE FUNCTION test_busy()"
        )
    client, _user = admin_client(units=[unit])

    response = run_action(client, "reissue", [first, busy, last])

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "2 certificates re-issued" in page
    assert f"{busy.number}: The database was busy: this one was not changed. Try again." in page
    versions = dict(Certificate.objects.values_list("pk", "version"))
    assert versions == {first.pk: 2, busy.pk: 1, last.pk: 2}


def test_a_view_only_user_sees_certificates_but_cannot_run_actions(unit, certificate_settings):
    certificates = issued(unit, 1)
    failed = certificates[0].batch
    CertificateBatch.objects.filter(pk=failed.pk).update(status=BatchStatus.FAILED, error="disk full")
    viewer = UserFactory(roles=[roles.VERIFIKATOR], is_staff=True)
    client = Client()
    client.force_login(viewer)

    listing = changelist(client)

    assert certificates[0].number in listing and 'value="revoke"' not in listing
    run_action(client, "revoke", certificates, confirm="yes", reason="Salah orang")
    run_action(client, "reissue", certificates)
    batches = client.get(reverse("admin:ceremonies_certificatebatch_changelist"))
    assert batches.status_code == 200 and 'value="retry"' not in batches.content.decode()
    run_action(client, "retry", [failed], model="certificatebatch")
    certificate = Certificate.objects.get()
    assert (certificate.status, certificate.version) == (CertificateStatus.VALID, 1)
    assert CertificateBatch.objects.get().status == BatchStatus.FAILED


def test_the_certificate_list_runs_a_fixed_number_of_queries(unit, certificate_settings, django_assert_max_num_queries):
    issued(unit, 3)
    client, _user = admin_client(units=[unit])
    with CaptureQueriesContext(connection) as few:
        changelist(client)

    issued(unit, 30)
    with django_assert_max_num_queries(len(few)):
        listing = changelist(client)
    assert listing.count("<tr") > 33


def test_a_batch_stopped_on_an_error_is_printed_again(unit, certificate_settings, django_capture_on_commit_callbacks):
    batch = issued(unit, 2)[0].batch
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, done=1, error="disk full")
    client, user = admin_client(units=[unit])

    listing = client.get(reverse("admin:ceremonies_certificatebatch_changelist")).content.decode()
    assert "1/2" in listing and "disk full" in listing

    with django_capture_on_commit_callbacks() as callbacks:
        response = run_action(client, "retry", [batch], model="certificatebatch")

    assert response.status_code == 302 and len(callbacks) == 1
    batch.refresh_from_db()
    assert (batch.status, batch.requested_by) == (BatchStatus.PENDING, user)
    assert client.get(reverse("admin:ceremonies_certificatebatch_add")).status_code == 403


def test_the_batches_of_other_units_events_are_not_listed(unit, certificate_settings):
    mine, theirs = issued(unit, 1)[0].batch, issued(UnitKerjaFactory(code="DLH"), 1)[0].batch
    client, _user = admin_client(units=[unit])

    response = client.get(reverse("admin:ceremonies_certificatebatch_changelist"))

    assert list(response.context["cl"].result_list) == [mine]
    assert client.get(reverse("admin:ceremonies_certificatebatch_change", args=[theirs.pk])).status_code == 302


def two_day_attendance(unit, operator):
    """A two-day training in `unit`, a participant checked in on its first day (by the check-in page) and by
    a phone's sync (its operation), the second day checked in then undone."""
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(8)))
    event = EventFactory(organizer=unit, starts_at=start, ends_at=start + dt.timedelta(days=1, hours=8))
    participant = ParticipantFactory(event=event, employee__unit=unit, employee__name="Siti Aminah")
    participant_check_in(participant=participant, actor=operator, part=today.isoformat())
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    participant_check_in(participant=participant, actor=operator, part=tomorrow)
    participant_check_in_undo(participant=participant, actor=operator, reason="salah hari", part=tomorrow)
    operation = CheckinOperation.objects.create(
        operation_id=uuid.uuid4(),
        participant=participant,
        kind="check_in",
        outcome="already",
        part=today.isoformat(),
        done_at=timezone.now(),
        actor=operator,
    )
    return participant, Attendance.objects.get(participant=participant), operation


def test_attendance_and_synced_check_ins_are_shown_read_only_in_indonesian_with_history(unit):
    client, user = admin_client(units=[unit])
    client.cookies["django_language"] = "id"
    _participant, attendance, operation = two_day_attendance(unit, user)
    dlh = UnitKerjaFactory(code="DLH")
    _theirs, other_attendance, other_operation = two_day_attendance(
        dlh, UserFactory(roles=[roles.OPERATOR], units=[dlh])
    )

    attendances = client.get(reverse("admin:ceremonies_attendance_changelist"))
    operations = client.get(reverse("admin:ceremonies_checkinoperation_changelist"))

    assert list(attendances.context["cl"].result_list) == [attendance]
    assert list(operations.context["cl"].result_list) == [operation]
    page = attendances.content.decode() + operations.content.decode()
    assert "Siti Aminah" in page and "Kehadiran" in page and "Operasi presensi" in page and "Sudah tercatat" in page
    # Records only the check-in writes: nothing added, changed or deleted here.
    for model, row in (("attendance", attendance), ("checkinoperation", operation)):
        assert client.get(reverse(f"admin:ceremonies_{model}_add")).status_code == 403
        change = client.get(reverse(f"admin:ceremonies_{model}_change", args=[row.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert client.post(reverse(f"admin:ceremonies_{model}_delete", args=[row.pk])).status_code == 403
    # The attendance's history: who checked in, and an undone day with its reason.
    history = client.get(reverse("admin:ceremonies_attendance_history", args=[attendance.pk]))
    assert history.status_code == 200 and user.username in history.content.decode()
    undone = Attendance.history.filter(history_type="-").get(participant_id=attendance.participant_id)
    assert undone.history_change_reason == "check-in undone: salah hari"
    # Another unit's rows are out of reach.
    assert client.get(reverse("admin:ceremonies_attendance_change", args=[other_attendance.pk])).status_code == 302
    assert client.get(reverse("admin:ceremonies_checkinoperation_change", args=[other_operation.pk])).status_code == 302
