"""The populated world of the permission matrix (tests/purna/test_permission_matrix.py): two units, A and
B, one of each object in unit A (employee, retirement record and its document, events, participants,
certificate, payouts in every step, receipt, THT claim, import job, preparation batch, outbox message),
and the people who knock on its doors: every role scoped to unit A, the same roles scoped to unit B, an
operator with no unit, and two retirees (one of unit A with papers of their own, one of unit B)."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from benefits.models import PayoutBatch, PayoutStatus, Receipt
from benefits.services import receipts as services_receipts
from ceremonies.models import (
    Attendance,
    Certificate,
    CertificateBatch,
    CheckinOperation,
    CheckinOperationKind,
    CheckinOperationOutcome,
    EventKind,
    EventStatus,
    ParticipantStatus,
    PensionCoverLetter,
    PensionDocumentKind,
    PensionTemplate,
)
from ceremonies.pension_documents import default_template
from ceremonies.services.invitations import rsvp_path
from employees.models import DisciplinePenalty, Employee, ImportJob, KindRule, RetirementRule, SiasnReconciliation
from employees.services.accounts import employee_portal_account_ensure
from employees.services.family import family_correction_request, spouse_add
from purna import roles
from purna.models import GeneratedDocument, GeneratedDocumentStatus
from purna.notifications.models import Message
from tests.benefits.documents_helpers import payout_in
from tests.factories import (
    MINIMAL_PDF,
    CaseDocumentFactory,
    EmployeeFactory,
    EventFactory,
    ParticipantFactory,
    RetirementCaseFactory,
    SessionFactory,
    TaliAsihRateFactory,
    UnitKerjaFactory,
    UserFactory,
)
from tests.portal.conftest import retiree_with_papers

# Short names of the roles, as the matrix's table writes them ("opr@A": an operator of unit A).
ROLE_CODES = {
    "adm": roles.ADMIN,
    "opr": roles.OPERATOR,
    "ver": roles.VERIFIKATOR,
    "ben": roles.BENDAHARA,
    "pim": roles.PIMPINAN,
}
ROLE_IDENTITIES_A = [f"{code}@A" for code in ROLE_CODES]
ROLE_IDENTITIES_B = [f"{code}@B" for code in ROLE_CODES]
# Every identity the matrix knocks with, in the order the table's columns are read.
IDENTITIES = ["anon", *ROLE_IDENTITIES_A, *ROLE_IDENTITIES_B, "nounit", "retiree", "retiree2"]


@dataclass
class World:
    unit_a: object
    unit_b: object
    users: dict[str, object]
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world(monkeypatch) -> World:
    """Everything the matrix's URLs name, with real ids; unit A's rows are the ones the URLs point at."""
    unit_a = UnitKerjaFactory(code="MTX-A", name="Dinas Matriks A")
    unit_b = UnitKerjaFactory(code="MTX-B", name="Dinas Matriks B")
    users: dict[str, object] = {}
    # Every role holder is staff (may open the admin), so the admin's own permission checks are walked too.
    for code, role in ROLE_CODES.items():
        for unit_code, unit in (("A", unit_a), ("B", unit_b)):
            users[f"{code}@{unit_code}"] = UserFactory(
                username=f"mtx-{code}-{unit_code.lower()}", roles=[role], units=[unit], is_staff=True
            )
    users["nounit"] = UserFactory(username="mtx-opr-tanpa-unit", roles=[roles.OPERATOR], units=[], is_staff=True)
    actor = users["adm@A"]

    # The retiree of unit A: a rendered certificate, a paid tali asih with its rendered receipt, a THT claim,
    # an invitation to a coming event (tests/portal/conftest.py).
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    retiree_employee = retiree_with_papers(
        unit_a, name="Ahmad Matriks", nip="196505121990031004", email="ahmad.matriks@example.id", actor=actor
    )
    users["retiree"] = employee_portal_account_ensure(employee=retiree_employee)
    retiree2_employee = EmployeeFactory(unit=unit_b, email="siti.matriks@example.id", tmt_pensiun=dt.date(2025, 11, 1))
    users["retiree2"] = employee_portal_account_ensure(employee=retiree2_employee)

    w = World(unit_a=unit_a, unit_b=unit_b, users=users)
    o = w.objects
    o["retiree_employee"] = retiree_employee
    o["employee"] = EmployeeFactory(unit=unit_a, email="pegawai.a@example.id")
    o["employee_b"] = EmployeeFactory(unit=unit_b)
    o["case"] = RetirementCaseFactory(employee=EmployeeFactory(unit=unit_a, tmt_pensiun=dt.date(2027, 3, 1)))
    o["case_document"] = CaseDocumentFactory(case=o["case"])
    o["document_type"] = o["case_document"].document_type
    o["cover_letter"] = PensionCoverLetter.objects.create(
        number="800/1/MATRIKS/2026", issued_on=dt.date(2026, 1, 5), addressee="Kanreg BKN", signer_title="Kepala"
    )
    o["cover_letter"].cases.set([o["case"]])
    o["pension_template"] = PensionTemplate.objects.create(
        kind=PensionDocumentKind.DPCP, file=ContentFile(default_template("dpcp"), name="dpcp.docx")
    )

    paid = retiree_employee.payouts.get(status=PayoutStatus.PAID)
    paid.proof.save("bukti.pdf", ContentFile(MINIMAL_PDF), save=False)
    paid.proof_name, paid.proof_content_type = "bukti.pdf", "application/pdf"
    paid.save()
    o["payout_paid"] = paid
    o["receipt"] = Receipt.objects.get(payout=paid)
    o["payout_draft"] = payout_in(PayoutStatus.DRAFT, employee=EmployeeFactory(unit=unit_a))
    o["payout_verified"] = payout_in(PayoutStatus.VERIFIED, employee=EmployeeFactory(unit=unit_a))
    o["payout_approved"] = payout_in(PayoutStatus.APPROVED, employee=EmployeeFactory(unit=unit_a))
    o["tht_claim"] = retiree_employee.tht_claim

    o["farewell"] = retiree_employee.event_participations.get(event__kind=EventKind.FAREWELL).event
    o["certificate"] = Certificate.objects.get(participant__employee=retiree_employee)
    o["certificate_batch"] = CertificateBatch.objects.get(event=o["farewell"])
    o["invitation"] = retiree_employee.event_participations.get(status=ParticipantStatus.INVITED)
    # A published event of unit A, its agenda item and a participant (the approved payout's retiree, so the
    # hand-over page has a row to pay).
    o["event"] = EventFactory(organizer=unit_a, status=EventStatus.PUBLISHED, kind=EventKind.FAREWELL)
    o["session"] = SessionFactory(event=o["event"])
    o["instructor"] = o["session"].instructor
    o["participant"] = ParticipantFactory(event=o["event"], employee=o["payout_approved"].employee)
    # A day's attendance of that participant and a check-in synced from a phone (records the check-in writes).
    o["attendance"] = Attendance.objects.create(
        participant=o["participant"],
        day=timezone.localdate(o["event"].starts_at),
        checked_in_at=o["event"].starts_at,
        checked_in_by=actor,
    )
    o["checkin_operation"] = CheckinOperation.objects.create(
        operation_id=uuid.uuid4(),
        participant=o["participant"],
        kind=CheckinOperationKind.CHECK_IN,
        outcome=CheckinOperationOutcome.DONE,
        done_at=o["event"].starts_at,
        actor=actor,
    )
    o["import_job"] = ImportJob.objects.create(
        file=ContentFile(b"nip;nama\n", name="impor.csv"), original_name="impor.csv", created_by=users["opr@A"]
    )
    o["siasn_reconciliation"] = SiasnReconciliation.objects.create(
        file=ContentFile(b"NIP,TMT pensiun\n", name="siasn.csv"), original_name="siasn.csv", created_by=users["opr@A"]
    )
    # The attendance sheet of unit A's event, made for the staff of unit A (purna/generated.py).
    o["generated_document"] = GeneratedDocument.objects.create(
        kind="ceremonies.document_kinds.ATTENDANCE",
        key="matrix",
        params={"event": o["event"].pk, "units": [unit_a.pk], "language": "id"},
        fingerprint="matrix",
        status=GeneratedDocumentStatus.DONE,
        filename="daftar-hadir.pdf",
        content_type="application/pdf",
    )
    o["generated_document"].file.save("daftar-hadir.pdf", ContentFile(MINIMAL_PDF))
    o["payout_batch"] = PayoutBatch.objects.create(
        benefit_type=o["payout_draft"].benefit_type, event=o["event"], requested_by=users["opr@A"]
    )
    now = timezone.now()
    o["message"] = Message.objects.create(
        kind="test",
        recipient_key=f"employee:{o['employee'].pk}",
        occasion="matrix",
        to_email=o["employee"].email,
        content_type=ContentType.objects.get_for_model(Employee),
        object_id=o["employee"].pk,
        planned_at=now,
        next_attempt_at=now,
        created_by=actor,
    )
    o["rsvp_path"] = rsvp_path(o["invitation"])
    # The family: a spouse of unit A's employee, and the unit A retiree's correction request from the portal.
    o["spouse"] = spouse_add(employee=o["employee"], actor=actor, name="Istri Matriks")
    o["family_correction"] = family_correction_request(
        employee=retiree_employee, actor=users["retiree"], text="Nama anak salah"
    )
    # Rows whose admin pages show one historical version: saved once more, so each has a history record.
    o["rate"] = TaliAsihRateFactory()
    o["retirement_rule"] = RetirementRule.objects.order_by("pk").first()
    o["retirement_rule"].save()
    o["kind_rule"] = KindRule.objects.create(
        kind="aps", valid_from=dt.date(2014, 1, 1), legal_basis="PP 11/2017", min_age=45, min_service_years=20
    )
    o["discipline_penalty"] = DisciplinePenalty.objects.create(
        employee=o["employee"], level="ringan", decided_on=dt.date(2025, 1, 1)
    )
    return w
