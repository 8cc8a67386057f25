"""The outbox staff pages: who may see and act, filters, the message as sent (escaped, sandboxed),
send again / cancel, the per-person partial, the admin; fixed query counts."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from employees.notifications import APPROACHING
from purna import roles
from purna.notifications import builtin
from purna.notifications.models import Message, MessageEvent, MessageStatus
from purna.notifications.selectors import message_list_about
from tests.factories import EmployeeFactory, UnitKerjaFactory

pytestmark = pytest.mark.django_db


def make_messages(count: int, *, employee=None, **fields) -> list[Message]:
    now = timezone.now()
    rows = [
        Message(
            kind=APPROACHING if employee else builtin.TEST_KIND,
            recipient_key=f"employee:{employee.pk}" if employee else f"email:p{i}@sukamaju.go.id",
            occasion=f"occ-{i}",
            to_email=f"p{i}@sukamaju.go.id",
            to_name=f"Pegawai {i}",
            content_type=_employee_type() if employee else None,
            object_id=employee.pk if employee else None,
            about_label=str(employee) if employee else "",
            planned_at=now - dt.timedelta(minutes=i),
            next_attempt_at=now,
            **fields,
        )
        for i in range(count)
    ]
    return Message.objects.bulk_create(rows)


def _employee_type():
    from django.contrib.contenttypes.models import ContentType

    from employees.models import Employee

    return ContentType.objects.get_for_model(Employee)


@pytest.fixture
def failed_message(db):
    employee = EmployeeFactory(name="Siti Aminah")
    [message] = make_messages(1, employee=employee, status=MessageStatus.FAILED, last_error="550 5.1.1 no such user")
    Message.objects.filter(pk=message.pk).update(
        subject="Pengingat purna tugas",
        body_text="Yth. Siti <b>Aminah</b>",
        body_html='<p>Yth. Siti</p><script>alert("x")</script>',
    )
    message.refresh_from_db()
    return message


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.OPERATOR, 200), (roles.ADMIN, 200), (roles.PIMPINAN, 200), (roles.VERIFIKATOR, 403), (None, 403)],
)
def test_who_may_open_the_outbox(client, role_user, no_role_user, failed_message, role, status):
    client.force_login(role_user(role) if role else no_role_user)

    assert client.get(reverse("notifications:list")).status_code == status
    assert client.get(reverse("notifications:detail", args=[failed_message.pk])).status_code == status


def test_outbox_lists_and_filters_by_status_kind_person_and_date(operator_client, failed_message):
    make_messages(3, status=MessageStatus.SENT, sent_at=timezone.now())
    url = reverse("notifications:list")

    everything = operator_client.get(url)
    failed = operator_client.get(url, {"status": "failed"})
    by_kind = operator_client.get(url, {"kind": builtin.TEST_KIND})
    by_person = operator_client.get(url, {"q": "siti"})
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    by_date = operator_client.get(url, {"planned_until": yesterday})

    assert len(everything.context["rows"]) == 4
    assert [row.message.pk for row in failed.context["rows"]] == [failed_message.pk]
    assert len(by_kind.context["rows"]) == 3
    assert [row.message.pk for row in by_person.context["rows"]] == [failed_message.pk]
    assert by_date.context["rows"] == []
    assert everything.context["status_counts"]["failed"] == 1
    assert "550 5.1.1 no such user" in failed.content.decode()
    # The row links to the person the email is about.
    assert reverse("employees:detail", args=[failed_message.object_id]) in failed.content.decode()


def test_an_outbox_period_ending_before_it_starts_is_refused_saying_so(operator_client, failed_message):
    response = operator_client.get(
        reverse("notifications:list"), {"planned_from": "2030-05-02", "planned_until": "2030-05-01"}
    )

    message = "“Dijadwalkan sampai” sebelum “Dijadwalkan dari”: tidak ada yang dapat ditemukan di antaranya."
    assert response.context["filter"].form.errors == {"planned_until": [message]}
    assert message in response.content.decode()


@pytest.mark.parametrize("count", [5, 500])
def test_outbox_runs_a_fixed_number_of_queries(operator_client, django_assert_max_num_queries, count):
    employee = EmployeeFactory()
    make_messages(count, employee=employee, status=MessageStatus.SENT, sent_at=timezone.now())

    with django_assert_max_num_queries(9):
        response = operator_client.get(reverse("notifications:list"), {"status": "sent"})

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 50)


def test_detail_shows_the_email_as_sent_escaped_and_sandboxed(
    operator_client, failed_message, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = operator_client.get(reverse("notifications:detail", args=[failed_message.pk]))

    html = response.content.decode()
    assert "Pengingat purna tugas" in html
    assert "Yth. Siti &lt;b&gt;Aminah&lt;/b&gt;" in html  # the text, escaped
    # The HTML is not in the page: a sandboxed frame opens it at an address with a policy of its own.
    assert "alert(" not in html and "Yth. Siti</p>" not in html
    assert 'sandbox=""' in html and f'src="{reverse("notifications:html", args=[failed_message.pk])}"' in html
    assert "550 5.1.1 no such user" in html
    assert reverse("notifications:retry", args=[failed_message.pk]) in html


def test_the_emails_html_is_served_to_its_frame_with_a_policy_that_runs_nothing(
    client, operator, no_role_user, failed_message
):
    url = reverse("notifications:html", args=[failed_message.pk])
    client.force_login(operator)

    response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode() == failed_message.body_html
    header = response.headers["Content-Security-Policy"]
    policy = {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}
    # The email's inline styles show; its script does not run, nothing is fetched, posted or framed
    # elsewhere, and the document is sandboxed even if opened on its own.
    assert policy["default-src"] == "'none'" and "script-src" not in policy
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["form-action"] == "'none'" and policy["frame-ancestors"] == "'self'"
    assert "sandbox" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.post(url).status_code == 405
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403


def test_the_emails_html_of_a_person_outside_the_scope_is_not_found(client, role_user, failed_message):
    elsewhere = UnitKerjaFactory()
    client.force_login(role_user(roles.OPERATOR, units=[elsewhere]))

    assert client.get(reverse("notifications:html", args=[failed_message.pk])).status_code == 404


def test_operator_sends_a_failed_email_again(
    operator_client, operator, failed_message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("notifications:retry", args=[failed_message.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("notifications:detail", args=[failed_message.pk])
    failed_message.refresh_from_db()
    assert failed_message.status == MessageStatus.QUEUED
    event = failed_message.events.get()
    assert (event.event, event.actor) == (MessageEvent.Event.RETRY, operator)
    assert [str(m) for m in response.context["messages"]]


def test_sending_again_an_email_that_did_not_fail_is_refused_with_a_message(operator_client, failed_message):
    Message.objects.filter(pk=failed_message.pk).update(status=MessageStatus.SENT, sent_at=timezone.now())

    response = operator_client.post(reverse("notifications:retry", args=[failed_message.pk]), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    failed_message.refresh_from_db()
    assert failed_message.status == MessageStatus.SENT


def test_operator_cancels_with_a_reason(operator_client, failed_message):
    operator_client.post(reverse("notifications:cancel", args=[failed_message.pk]), {"reason": "Sudah pindah"})

    failed_message.refresh_from_db()
    assert (failed_message.status, failed_message.cancel_reason) == (MessageStatus.CANCELLED, "Sudah pindah")


def test_pimpinan_sees_but_may_not_send_again(client, pimpinan, failed_message):
    client.force_login(pimpinan)

    page = client.get(reverse("notifications:detail", args=[failed_message.pk])).content.decode()
    response = client.post(reverse("notifications:retry", args=[failed_message.pk]))

    assert reverse("notifications:retry", args=[failed_message.pk]) not in page
    assert response.status_code == 403
    failed_message.refresh_from_db()
    assert failed_message.status == MessageStatus.FAILED


def test_retry_and_cancel_take_posts_only(operator_client, failed_message):
    assert operator_client.get(reverse("notifications:retry", args=[failed_message.pk])).status_code == 405
    assert operator_client.get(reverse("notifications:cancel", args=[failed_message.pk])).status_code == 405


def test_person_partial_lists_what_was_sent_about_them(operator, django_assert_num_queries):
    employee = EmployeeFactory()
    make_messages(3, employee=employee, status=MessageStatus.SENT, sent_at=timezone.now())
    make_messages(2)  # about nobody

    with django_assert_num_queries(1):
        rows = message_list_about(obj=employee)
    request = RequestFactory().get("/")
    request.user = operator
    html = render_to_string("notifications/_sent_messages.html", {"sent_messages": rows}, request=request)

    assert len(rows) == 3
    assert html.count(reverse("notifications:detail", args=[rows[0].message.pk])) == 1
    assert 'data-testid="sent-messages"' in html


def test_person_partial_is_hidden_without_the_permission():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert render_to_string("notifications/_sent_messages.html", {"sent_messages": []}, request=request).strip() == ""


def test_admin_lists_the_outbox_and_sends_again(admin_client, failed_message, django_capture_on_commit_callbacks):
    changelist = reverse("admin:notifications_message_changelist")

    assert admin_client.get(changelist, {"status__exact": "failed"}).status_code == 200
    assert admin_client.get(reverse("admin:notifications_message_change", args=[failed_message.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post(changelist, {"action": "send_again", "_selected_action": [failed_message.pk]})

    failed_message.refresh_from_db()
    assert failed_message.status == MessageStatus.QUEUED
