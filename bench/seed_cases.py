"""Give the register's soon-retiring employees retirement records, with documents, quickly (bulk inserts).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_h_bench .venv/bin/python bench/seed_cases.py

For the work list's benchmark (bench/pages.py calls it): every employee in service whose TMT pensiun
falls within 12 months gets a record, and half of those within 13-24 months; records are further along
the closer the TMT (prepared, proposed to BKN, SK issued), a few are cancelled; proposed and later ones
have every required document, records in preparation a random part of them. A few hundred APS records
(TMT earlier than the BUP's) and open death records whose TMT has passed exercise the other branches.
Bulk inserts (COPY on PostgreSQL) bypass the services, so the work list's stored copy of each record is
refreshed at the end (employees.services.cases.retirement_worklist_sync, as after any bulk load). Only
employees without a record are considered: run again after the register has grown, it gives the new
employees their records in the same proportions (300 APS and 200 deaths per 100,000 employees).
"""

import argparse
import datetime as dt
import random
import time

from _setup import django_setup, machine


def cases_ensure(*, seed: int = 11) -> None:
    """Create the records described in the module docstring for the employees that have none yet: a
    register grown since the last call gets records for its new employees in the same proportions."""
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone
    from seed import bulk_copy

    from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
    from employees.models import CaseDocument, CaseStatusChange, DocumentType, Employee, RetirementCase
    from employees.retirement import add_months
    from employees.services.cases import retirement_worklist_sync

    rng = random.Random(seed + Employee.objects.count())
    today = timezone.localdate()
    first = today.replace(day=1)
    start = time.perf_counter()
    in_service = Employee.objects.filter(
        status__in=[EmployeeStatus.AKTIF, EmployeeStatus.MPP], retirement_case__isnull=True
    )
    soon = list(
        in_service.filter(tmt_pensiun__gt=today, tmt_pensiun__lt=add_months(first, 25))
        .order_by("pk")
        .values_list("pk", "tmt_pensiun")
    )
    if not soon:
        return
    later = list(in_service.filter(tmt_pensiun__gte=add_months(first, 60)).order_by("pk").values_list("pk", flat=True))
    rng.shuffle(later)
    # 300 APS and 200 deaths per 100,000 employees.
    total = Employee.objects.count()
    aps = max(0, round(total * 0.003) - RetirementCase.objects.filter(kind=RetirementKind.APS).count())
    died = max(0, round(total * 0.002) - RetirementCase.objects.filter(kind=RetirementKind.DEATH).count())

    def status_for(months: int) -> str:
        roll = rng.random()
        if roll < 0.02:
            return CaseStatus.CANCELLED
        if months <= 3:
            return CaseStatus.PREPARING if roll < 0.1 else CaseStatus.PROPOSED if roll < 0.4 else CaseStatus.SK_ISSUED
        if months <= 6:
            return CaseStatus.PREPARING if roll < 0.4 else CaseStatus.PROPOSED if roll < 0.9 else CaseStatus.SK_ISSUED
        if months <= 12:
            return CaseStatus.PREPARING if roll < 0.7 else CaseStatus.PROPOSED
        return CaseStatus.PREPARING

    records = []
    for pk, tmt in soon:
        months = (tmt.year - first.year) * 12 + tmt.month - first.month
        # Half of those retiring in 13-24 months, chosen by id, so that a later run skips the same ones.
        if months > 12 and pk % 2:
            continue
        records.append({"employee": pk, "kind": RetirementKind.BUP, "tmt": tmt, "status": status_for(months)})
    # APS decided for a TMT within the year; deaths whose TMT (the month after) has passed, still open.
    for pk in later[:aps]:
        tmt = add_months(first, rng.randint(1, 12))
        records.append({"employee": pk, "kind": RetirementKind.APS, "tmt": tmt, "status": status_for(6)})
    deaths = later[aps : aps + died]
    for pk in deaths:
        tmt = add_months(first, -rng.randint(0, 3))
        records.append({"employee": pk, "kind": RetirementKind.DEATH, "tmt": tmt, "status": CaseStatus.PREPARING})
    for record in records:
        record["employee_id"] = record.pop("employee")
        record["proposal_due"] = add_months(record["tmt"], -12)
        if record["kind"] != RetirementKind.BUP:
            record["proposal_due"] = max(record["proposal_due"], add_months(today, -1))
        if record["status"] in (CaseStatus.PROPOSED, CaseStatus.SK_ISSUED):
            record["proposed_on"] = min(today, record["proposal_due"] + dt.timedelta(days=rng.randint(0, 60)))
        if record["status"] == CaseStatus.SK_ISSUED:
            record["sk_number"] = f"823.4/{rng.randint(1, 9999)}/BKPSDM/{today.year}"
            record["sk_date"] = today
            record["sk_signer"] = "Bupati Contoh"

    types = list(DocumentType.objects.filter(is_active=True).order_by("order", "name"))
    required = [kind for kind in types if kind.is_required]
    optional = [kind for kind in types if not kind.is_required]
    with transaction.atomic():
        Employee.objects.filter(pk__in=deaths).update(status=EmployeeStatus.MENINGGAL)
        last = RetirementCase.objects.aggregate(last=Max("pk"))["last"] or 0
        bulk_copy(RetirementCase, records)
        created = list(RetirementCase.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "status"))
        bulk_copy(CaseStatusChange, [{"case_id": pk, "to_status": status} for pk, status in created])
        documents = []
        for pk, status in created:
            if status == CaseStatus.PREPARING:
                kinds = rng.sample(required, rng.randint(0, len(required)))
            else:
                kinds = required + rng.sample(optional, rng.randint(0, len(optional)))
            documents.extend(
                {
                    "case_id": pk,
                    "document_type_id": kind.pk,
                    "file": f"cases/{pk}/{kind.code}.pdf",
                    "original_name": f"{kind.code}.pdf",
                    "content_type": "application/pdf",
                    "size": 120_000,
                }
                for kind in kinds
            )
        bulk_copy(CaseDocument, documents)
        retirement_worklist_sync(employee_ids=[record["employee_id"] for record in records])
    print(
        f"created {len(created):,} retirement records and {len(documents):,} documents "
        f"in {time.perf_counter() - start:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    django_setup()
    print(machine())
    cases_ensure(seed=args.seed)


if __name__ == "__main__":
    main()
