"""Training feedback on the staff side and its write path: the service's rules with the real database
and clock (time-machine), the organisers' summary page (permission, scope, fixed queries, the chart and
the comments), the XLSX workbook read back with python-calamine, and the instructors' averages."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from ceremonies.exceptions import CeremonyError
from ceremonies.feedback import FeedbackAnswer
from ceremonies.models import ParticipantStatus, TrainingFeedback
from ceremonies.services.feedback import training_feedback_save
from purna import roles
from tests.ceremonies.feedback_helpers import ended_training
from tests.factories import InstructorFactory, ParticipantFactory, UnitKerjaFactory, UserFactory, in_days
from tests.generated_documents import fetch_document


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="Badan Kepegawaian dan Pengembangan SDM")


@pytest.fixture
def training(unit):
    return ended_training(unit, attendees=2)


def _answers(taspen, business, *, rating=5, usefulness=None, comment=""):
    return [FeedbackAnswer(taspen.pk, rating, usefulness, comment), FeedbackAnswer(business.pk, 4)]


def test_an_attendee_rates_each_session_and_its_instructor(training, actor):
    event, taspen, business = training
    participant = event.participants.first()

    training_feedback_save(
        participant=participant, answers=_answers(taspen, business, usefulness=4, comment="  Jelas  "), actor=actor
    )

    rows = {row.session_id: row for row in TrainingFeedback.objects.all()}
    assert rows[taspen.pk].rating == 5 and rows[taspen.pk].usefulness == 4 and rows[taspen.pk].comment == "Jelas"
    assert rows[taspen.pk].instructor == taspen.instructor
    assert rows[business.pk].rating == 4 and rows[business.pk].instructor == business.instructor


def test_answers_are_changed_in_place_until_the_form_closes(training, actor, settings):
    settings.PURNA_FEEDBACK_DAYS = 14
    event, taspen, business = training
    participant = event.participants.first()
    training_feedback_save(participant=participant, answers=_answers(taspen, business), actor=actor)
    first = TrainingFeedback.objects.get(session=taspen)

    with time_machine.travel(event.ends_at + dt.timedelta(days=14) - dt.timedelta(minutes=1)):
        training_feedback_save(
            participant=participant,
            answers=[FeedbackAnswer(taspen.pk, 2, None, "Terlalu cepat"), FeedbackAnswer(business.pk, None)],
            actor=actor,
        )
    changed = TrainingFeedback.objects.get(session=taspen)
    assert TrainingFeedback.objects.count() == 2  # the unrated session kept its earlier answer
    assert (changed.pk, changed.rating, changed.comment) == (first.pk, 2, "Terlalu cepat")
    assert changed.created_at == first.created_at and changed.updated_at > first.updated_at

    with time_machine.travel(event.ends_at + dt.timedelta(days=14)), pytest.raises(CeremonyError) as refused:
        training_feedback_save(participant=participant, answers=_answers(taspen, business, rating=1), actor=actor)
    assert "ditutup" in refused.value.messages[0]
    assert TrainingFeedback.objects.get(session=taspen).rating == 2


@pytest.mark.parametrize(
    ("status", "starts_in_days", "kind"),
    [
        (ParticipantStatus.CONFIRMED, -1, "pelatihan"),  # confirmed but never checked in
        (ParticipantStatus.ABSENT, -1, "pelatihan"),
        (ParticipantStatus.ATTENDED, 0, "pelatihan"),  # checked in, the training not over yet
        (ParticipantStatus.ATTENDED, -1, "pelepasan"),  # a farewell is not rated
    ],
)
def test_who_may_not_answer_changes_nothing(unit, actor, status, starts_in_days, kind):
    # At noon, today's training (09.00-15.00) is under way whatever the hour the tests run at.
    with time_machine.travel(in_days(0, 12)):
        event, taspen, business = ended_training(unit, days_ago=-starts_in_days)
        event.kind = kind
        event.save()
        participant = ParticipantFactory(event=event, employee__unit=unit, status=status)

        with pytest.raises(CeremonyError):
            training_feedback_save(participant=participant, answers=_answers(taspen, business), actor=actor)
    assert not TrainingFeedback.objects.exists()


def test_bad_answers_change_nothing(training, actor):
    event, taspen, business = training
    participant = event.participants.first()
    _other, other_session, _ = ended_training(event.organizer, title="Angkatan II")

    for answers in (
        [FeedbackAnswer(taspen.pk, 5), FeedbackAnswer(business.pk, 9)],
        [FeedbackAnswer(taspen.pk, 5), FeedbackAnswer(other_session.pk, 5)],
        [FeedbackAnswer(taspen.pk, 5, None, "x" * 501)],
        [FeedbackAnswer(taspen.pk, None), FeedbackAnswer(business.pk, None)],
    ):
        with pytest.raises(CeremonyError) as refused:
            training_feedback_save(participant=participant, answers=answers, actor=actor)
        assert refused.value.messages
    assert not TrainingFeedback.objects.exists()


# --- The organisers' summary -------------------------------------------------------------------------------


def _rate_all(event, taspen, business, actor, ratings, comments=()):
    for index, participant in enumerate(event.participants.order_by("pk")):
        comment = comments[index] if index < len(comments) else ""
        training_feedback_save(
            participant=participant,
            answers=[
                FeedbackAnswer(taspen.pk, ratings[index % len(ratings)], 4, comment),
                FeedbackAnswer(business.pk, 3),
            ],
            actor=actor,
        )


def test_the_summary_shows_counts_averages_charts_and_comments(client, unit, actor):
    event, taspen, business = ended_training(unit, attendees=4)
    _rate_all(event, taspen, business, actor, [5, 4, 4, 2], comments=["Sangat jelas", "", "Perlu contoh soal"])
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))

    response = client.get(reverse("ceremonies:feedback_summary", args=[event.pk]))

    assert response.status_code == 200
    sessions = response.context["rows"]
    first = sessions[0]["row"]
    assert first.session == taspen
    assert (first.rating.count, str(first.rating.average), first.rating.distribution) == (4, "3.8", (0, 1, 0, 2, 1))
    assert first.comments == ["Sangat jelas", "Perlu contoh soal"]
    assert sessions[1]["row"].rating.average is not None and str(sessions[1]["row"].rating.average) == "3.0"
    html = response.content.decode()
    assert html.count('class="bar-chart-svg') == 2
    assert "Siti Rahmawati" in html and "Sangat jelas" in html and "Perlu contoh soal" in html
    # Comments are listed without the name of who wrote them.
    for participant in event.participants.select_related("employee"):
        assert participant.employee.name not in html


def test_the_summary_is_the_organisers_only(client, unit, training):
    event = training[0]
    other_unit = UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")
    url = reverse("ceremonies:feedback_summary", args=[event.pk])
    xlsx = reverse("ceremonies:feedback_xlsx", args=[event.pk])

    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(UserFactory(username="tanpa-peran"))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[other_unit]))
    assert client.get(url).status_code == 404
    assert client.get(xlsx).status_code == 404
    # Staff of a unit with a participant in the training see the event, not the organisers' summary.
    ParticipantFactory(event=event, employee__unit=other_unit, status=ParticipantStatus.ATTENDED)
    assert client.get(reverse("ceremonies:detail", args=[event.pk])).status_code == 200
    assert client.get(url).status_code == 404
    for role in (roles.OPERATOR, roles.VERIFIKATOR, roles.PIMPINAN, roles.BENDAHARA):
        client.force_login(UserFactory(roles=[role], units=[unit]))
        assert client.get(url).status_code == 200, role


@pytest.mark.parametrize("attendees", [5, 50])
def test_the_summary_runs_a_fixed_number_of_queries(client, unit, actor, attendees, django_assert_num_queries):
    event, taspen, business = ended_training(unit, attendees=attendees)
    _rate_all(event, taspen, business, actor, [5, 3, 1], comments=["Bagus"] * attendees)
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))
    url = reverse("ceremonies:feedback_summary", args=[event.pk])
    client.get(url)

    # The session and the user, one for the permissions, two for the scope, then the event, its sessions and
    # the answers (the agency shown in the page header comes from the cache).
    with django_assert_num_queries(QUERIES_SUMMARY):
        response = client.get(url)
    assert response.context["answers"] == attendees * 2


QUERIES_SUMMARY = 8


def test_the_workbook_has_one_row_per_session_and_the_comments(client, unit, actor):
    event, taspen, business = ended_training(unit, attendees=3)
    _rate_all(event, taspen, business, actor, [5, 4, 1], comments=["Sangat jelas", "=SUM(A1)"])
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))

    response = fetch_document(client, reverse("ceremonies:feedback_xlsx", args=[event.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["Ringkasan", "Komentar"]
    rows = book.get_sheet_by_name("Ringkasan").to_python()
    assert rows[0][0] == f"Penilaian pelatihan: {event.title}"
    header = rows[4]
    assert header[:6] == ["No.", "Sesi", "Narasumber", "Instansi", "Jawaban", "Rata-rata nilai"]
    taspen_row, business_row = rows[5], rows[6]
    assert taspen_row[1:5] == ["Hak-hak peserta Taspen", "Siti Rahmawati", "PT Taspen (Persero) KC Contoh", 3]
    assert taspen_row[5] == pytest.approx(3.3)
    assert taspen_row[6:11] == [1, 0, 0, 1, 1]
    assert taspen_row[11:13] == [3, pytest.approx(4.0)]
    assert business_row[1] == "Kewirausahaan dan pengolahan pangan" and business_row[4] == 3
    comments = book.get_sheet_by_name("Komentar").to_python()
    assert comments[1:] == [
        ["Hak-hak peserta Taspen", "Siti Rahmawati", "Sangat jelas"],
        ["Hak-hak peserta Taspen", "Siti Rahmawati", "=SUM(A1)"],
    ]


def test_the_workbook_is_made_again_when_an_answer_changes(client, unit, actor):
    event, taspen, business = ended_training(unit, attendees=1)
    _rate_all(event, taspen, business, actor, [5])
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))
    url = reverse("ceremonies:feedback_xlsx", args=[event.pk])
    fetch_document(client, url)
    assert client.get(url).status_code == 200 and hasattr(client.get(url), "streaming_content")

    _rate_all(event, taspen, business, actor, [1])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(fetch_document(client, url).content))
    assert rows.get_sheet_by_name("Ringkasan").to_python()[5][6] == 1


def test_the_instructor_list_shows_each_instructors_average_across_trainings(client, unit, actor):
    first, taspen, business = ended_training(unit, attendees=2)
    _rate_all(first, taspen, business, actor, [5, 4])
    second, taspen_again, unrated = ended_training(unit, attendees=1, title="Angkatan II")
    taspen_again.instructor = taspen.instructor
    taspen_again.save()
    training_feedback_save(
        participant=second.participants.get(), answers=[FeedbackAnswer(taspen_again.pk, 3)], actor=actor
    )
    InstructorFactory(name="Belum Dinilai")
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))

    response = client.get(reverse("ceremonies:instructors"))

    by_pk = {instructor.pk: instructor for instructor in response.context["object_list"]}
    siti = by_pk[taspen.instructor_id]
    assert (siti.feedback_count, siti.feedback_average) == (3, 4.0)
    assert by_pk[business.instructor_id].feedback_count == 2
    assert by_pk[unrated.instructor_id].feedback_count == 0
    assert by_pk[InstructorFactory._meta.model.objects.get(name="Belum Dinilai").pk].feedback_average is None
    assert "4,0 / 5" in response.content.decode() or "4.0 / 5" in response.content.decode()
