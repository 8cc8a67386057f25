"""The SIASN pension list compared with the retirement records (employees/siasn_reconcile.py): table tests."""

import datetime as dt

import pytest

from employees import siasn_reconcile
from employees.choices import CaseStatus
from employees.siasn_reconcile import CONFLICT, MATCHED, UNKNOWN, UPDATE, Change, OurCase, SiasnRow, compare
from purna.spreadsheets import CellValueError, ImportFileError

D = dt.date
NIP = "198609262015051001"
TMT = D(2026, 10, 1)
PROPOSED = OurCase(case_id=1, status=CaseStatus.PROPOSED, tmt=TMT, proposed_on=D(2025, 10, 1))
SK = OurCase(
    case_id=1,
    status=CaseStatus.SK_ISSUED,
    tmt=TMT,
    proposed_on=D(2025, 10, 1),
    pertek_number="PT-1/2026",
    pertek_date=D(2026, 1, 5),
    sk_number="SK-9/2026",
    sk_date=D(2026, 2, 1),
    sk_signer="Bupati",
)


def row(**values) -> SiasnRow:
    return SiasnRow(row=2, nip=NIP, **values)


@pytest.mark.parametrize(
    ("siasn", "ours", "kind", "changes", "conflicts"),
    [
        # Nothing new.
        (row(tmt=TMT), PROPOSED, MATCHED, [], []),
        (row(status=CaseStatus.PROPOSED, status_text="Usulan Dikirim"), PROPOSED, MATCHED, [], []),
        # SIASN behind Purna: nothing to do.
        (row(status=CaseStatus.PROPOSED, status_text="Usul"), SK, MATCHED, [], []),
        (row(sk_number="SK-9/2026", sk_date=D(2026, 2, 1)), SK, MATCHED, [], []),
        (row(sk_number="sk-9 / 2026", sk_date=D(2026, 2, 1)), SK, MATCHED, [], []),  # case and spacing
        # A pertek Purna has not recorded: the record moves to "pertek issued".
        (
            row(pertek_number="PT-1/2026", pertek_date=D(2026, 1, 5)),
            PROPOSED,
            UPDATE,
            [
                ("pertek_number", "", "PT-1/2026"),
                ("pertek_date", None, D(2026, 1, 5)),
                ("status", CaseStatus.PROPOSED, CaseStatus.PERTEK),
            ],
            [],
        ),
        # A pertek moves a record still in preparation to "pertek issued" (proposed first when applied).
        (
            row(pertek_number="PT-1/2026", pertek_date=D(2026, 1, 5)),
            OurCase(case_id=1, status=CaseStatus.PREPARING, tmt=TMT),
            UPDATE,
            [
                ("pertek_number", "", "PT-1/2026"),
                ("pertek_date", None, D(2026, 1, 5)),
                ("status", CaseStatus.PREPARING, CaseStatus.PERTEK),
            ],
            [],
        ),
        # "Pertek terbit" with the pertek the record already has.
        (
            row(status=CaseStatus.PERTEK, status_text="Pertek Terbit"),
            OurCase(**{**PROPOSED.__dict__, "pertek_number": "PT-1/2026", "pertek_date": D(2026, 1, 5)}),
            UPDATE,
            [("status", CaseStatus.PROPOSED, CaseStatus.PERTEK)],
            [],
        ),
        # "Pertek terbit" without the pertek's number and date: finished by hand.
        (
            row(status=CaseStatus.PERTEK, status_text="Sudah Pertek"),
            PROPOSED,
            CONFLICT,
            [],
            [("status", CaseStatus.PROPOSED, CaseStatus.PERTEK)],
        ),
        # An SK after the pertek.
        (
            row(status=CaseStatus.SK_ISSUED, status_text="SK Terbit", sk_number="SK-9/2026", sk_date=D(2026, 2, 1)),
            OurCase(**{**SK.__dict__, "status": CaseStatus.PERTEK, "sk_number": "", "sk_date": None}),
            UPDATE,
            [
                ("sk_number", "", "SK-9/2026"),
                ("sk_date", None, D(2026, 2, 1)),
                ("status", CaseStatus.PERTEK, CaseStatus.SK_ISSUED),
            ],
            [],
        ),
        # A status further along.
        (
            row(status=CaseStatus.PROPOSED, status_text="Verifikasi"),
            OurCase(case_id=1, status=CaseStatus.PREPARING, tmt=TMT),
            UPDATE,
            [("status", CaseStatus.PREPARING, CaseStatus.PROPOSED)],
            [],
        ),
        # The SK, with its signer from the file.
        (
            row(
                status=CaseStatus.SK_ISSUED,
                status_text="SK Terbit",
                sk_number="SK-9/2026",
                sk_date=D(2026, 2, 1),
                sk_signer="Bupati",
            ),
            PROPOSED,
            UPDATE,
            [
                ("sk_number", "", "SK-9/2026"),
                ("sk_date", None, D(2026, 2, 1)),
                ("status", CaseStatus.PROPOSED, CaseStatus.SK_ISSUED),
                ("sk_signer", "", "Bupati"),
            ],
            [],
        ),
        # A date missing beside a number Purna has.
        (row(pertek_date=D(2026, 1, 5)), OurCase(**{**SK.__dict__, "pertek_date": None}), UPDATE,
         [("pertek_date", None, D(2026, 1, 5))], []),
        # Another TMT: a conflict, and nothing else of the row applies.
        (
            row(tmt=D(2026, 11, 1), pertek_number="PT-1/2026", pertek_date=D(2026, 1, 5)),
            PROPOSED,
            CONFLICT,
            [
                ("pertek_number", "", "PT-1/2026"),
                ("pertek_date", None, D(2026, 1, 5)),
                ("status", CaseStatus.PROPOSED, CaseStatus.PERTEK),
            ],
            [("tmt", TMT, D(2026, 11, 1))],
        ),
        # Another SK number, another pertek date.
        (row(sk_number="SK-10/2026"), SK, CONFLICT, [], [("sk_number", "SK-9/2026", "SK-10/2026")]),
        (row(pertek_date=D(2026, 1, 6)), SK, CONFLICT, [], [("pertek_date", D(2026, 1, 5), D(2026, 1, 6))]),
        # An SK without a signer anywhere: finished by hand.
        (
            row(status=CaseStatus.SK_ISSUED, status_text="SK Terbit", sk_number="SK-9/2026", sk_date=D(2026, 2, 1)),
            PROPOSED,
            CONFLICT,
            [("sk_number", "", "SK-9/2026"), ("sk_date", None, D(2026, 2, 1))],
            [("status", CaseStatus.PROPOSED, CaseStatus.SK_ISSUED)],
        ),
        # "SK issued" without the SK's number and date.
        (
            row(status=CaseStatus.SK_ISSUED, status_text="SK Terbit", sk_signer="Bupati"),
            PROPOSED,
            CONFLICT,
            [],
            [("status", CaseStatus.PROPOSED, CaseStatus.SK_ISSUED)],
        ),
        # A number without its date.
        (
            row(pertek_number="PT-1/2026"),
            PROPOSED,
            CONFLICT,
            [],
            [("pertek_date", None, None), ("status", CaseStatus.PROPOSED, CaseStatus.PERTEK)],
        ),
        # A cancelled record.
        (
            row(status=CaseStatus.PROPOSED, status_text="Usul"),
            OurCase(case_id=1, status=CaseStatus.CANCELLED, tmt=TMT),
            CONFLICT,
            [],
            [("status", CaseStatus.CANCELLED, CaseStatus.PROPOSED)],
        ),
        # A closed record takes nothing from a file.
        (
            row(pertek_date=D(2026, 1, 5)),
            OurCase(**{**SK.__dict__, "status": CaseStatus.DONE, "pertek_date": None}),
            CONFLICT,
            [],
            [("pertek_date", None, D(2026, 1, 5))],
        ),
        # BKN's BTL and TMS answers apply with BKN's reason.
        (
            row(status=CaseStatus.INCOMPLETE, status_text="BTL", reason="SKP 2024 belum dilampirkan"),
            PROPOSED,
            UPDATE,
            [("status", CaseStatus.PROPOSED, CaseStatus.INCOMPLETE), ("reason", "", "SKP 2024 belum dilampirkan")],
            [],
        ),
        (
            row(status=CaseStatus.NOT_ELIGIBLE, status_text="TMS", reason="Masa kerja kurang dari 20 tahun"),
            PROPOSED,
            UPDATE,
            [("status", CaseStatus.PROPOSED, CaseStatus.NOT_ELIGIBLE),
             ("reason", "", "Masa kerja kurang dari 20 tahun")],
            [],
        ),
        # Without a reason: listed as needing one, never applied.
        (
            row(status=CaseStatus.INCOMPLETE, status_text="BTL"),
            PROPOSED,
            CONFLICT,
            [],
            [("status", CaseStatus.PROPOSED, CaseStatus.INCOMPLETE), ("reason", None, None)],
        ),
        (
            row(status=CaseStatus.NOT_ELIGIBLE, status_text="Tidak Memenuhi Syarat", pertek_number="PT-1/2026"),
            PROPOSED,
            CONFLICT,
            [],
            [("pertek_date", None, None), ("status", CaseStatus.PROPOSED, CaseStatus.NOT_ELIGIBLE),
             ("reason", None, None)],
        ),
        # The answer the record already has.
        (row(status=CaseStatus.INCOMPLETE, status_text="BTL"), OurCase(**{**PROPOSED.__dict__,
         "status": CaseStatus.INCOMPLETE}), MATCHED, [], []),
        # A record that cannot take BKN's answer (not proposed): never applied.
        (
            row(status=CaseStatus.NOT_ELIGIBLE, status_text="TMS", reason="Usia kurang"),
            OurCase(case_id=1, status=CaseStatus.PREPARING, tmt=TMT),
            CONFLICT,
            [],
            [("status", CaseStatus.PREPARING, CaseStatus.NOT_ELIGIBLE)],
        ),
    ],
)  # fmt: skip
def test_compare(siasn, ours, kind, changes, conflicts):
    line = compare(siasn, ours, known=True)
    assert line.kind == kind
    assert [(c.field, c.ours, c.theirs) for c in line.changes] == changes
    assert [(c.field, c.ours, c.theirs) for c in line.conflicts] == conflicts


def test_an_unknown_nip_says_nothing_of_the_register():
    line = compare(row(tmt=TMT), None, known=False)
    assert (line.kind, line.changes, line.conflicts, line.notes) == (UNKNOWN, (), (), ())


def test_an_employee_without_a_record_is_a_conflict_to_decide(english):
    line = compare(row(tmt=TMT), None, known=True)
    assert line.kind == CONFLICT
    assert "no retirement record" in line.notes[0]


def test_an_unmapped_status_is_noted(english):
    line = compare(row(status_text="Ditangguhkan"), PROPOSED, known=True)
    assert line.notes == ('SIASN says "Ditangguhkan": Purna has no such step yet; not applied.',)


def test_a_btl_without_a_reason_says_it_needs_one(english):
    line = compare(row(status=CaseStatus.INCOMPLETE, status_text="BTL"), PROPOSED, known=True)
    assert line.kind == CONFLICT
    assert "without BKN's reason" in line.notes[0] and "alasan, keterangan or catatan" in line.notes[0]


def test_a_status_outside_the_pipeline_applies_when_the_record_may_move_to_it(monkeypatch):
    # BKN's answers (BTL, TMS) join the pipeline as statuses one move away: mapped in STATUS_TEXTS, they apply.
    monkeypatch.setitem(siasn_reconcile.cases.TRANSITIONS, CaseStatus.PROPOSED, (CaseStatus.CANCELLED,))
    line = compare(row(status=CaseStatus.CANCELLED, status_text="TMS"), PROPOSED, known=True)
    assert line.changes == (Change("status", CaseStatus.PROPOSED, CaseStatus.CANCELLED),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Usulan Dikirim", CaseStatus.PROPOSED),
        ("  sk   TERBIT ", CaseStatus.SK_ISSUED),
        ("Selesai", CaseStatus.SK_ISSUED),
        ("Input_Berkas", CaseStatus.PREPARING),
        ("Pertek Terbit", CaseStatus.PERTEK),
        ("menunggu SK", CaseStatus.PERTEK),
        ("BTL", CaseStatus.INCOMPLETE),
        ("berkas tidak lengkap", CaseStatus.INCOMPLETE),
        ("Tidak Memenuhi Syarat", CaseStatus.NOT_ELIGIBLE),
        ("TMS", CaseStatus.NOT_ELIGIBLE),
    ],
)
def test_status_texts(text, expected):
    assert siasn_reconcile.status_of(text) == expected


def test_an_unknown_status_text_is_refused(english):
    with pytest.raises(CellValueError, match="Ditolak Entah is not a SIASN proposal status"):
        siasn_reconcile.status_of("Ditolak Entah")


@pytest.mark.parametrize(
    ("siasn", "expected"),
    [
        (row(), D(2026, 3, 15)),
        (row(proposed_on=D(2025, 9, 1), pertek_date=D(2026, 1, 5)), D(2025, 9, 1)),
        (row(pertek_date=D(2026, 1, 5), sk_date=D(2026, 2, 1)), D(2026, 1, 5)),
        (row(sk_date=D(2026, 2, 1)), D(2026, 2, 1)),
    ],
)
def test_proposal_date(siasn, expected):
    assert siasn_reconcile.proposal_date(siasn, D(2026, 3, 15)) == expected


def test_header_needs_the_nip_and_a_fact(english):
    with pytest.raises(ImportFileError, match="needs NIP and at least one of"):
        siasn_reconcile.read_header(["nama", "alamat"])
    with pytest.raises(ImportFileError, match="needs NIP"):
        siasn_reconcile.read_header(["nip_baru", "nama"])
    with pytest.raises(ImportFileError, match="Columns given twice: no_sk"):
        siasn_reconcile.read_header(["nip_baru", "nomor SK", "no_sk"])
    positions = siasn_reconcile.read_header(["pns_id", "NIP_BARU", "nama", "Status Usulan", "tmt_pensiun"])
    assert [(index, column.field) for index, column in positions] == [(1, "nip"), (3, "status_text"), (4, "tmt")]


def test_rows_are_read_or_refused_by_cell(english):
    positions = siasn_reconcile.read_header(["nip", "status usulan", "tgl sk", "tmt pensiun"])
    good, errors = siasn_reconcile.read_row([f" {NIP[:8]} {NIP[8:]} ", "SK Terbit", "01-02-2026", "2026-10-01"],
                                            positions, row=2)  # fmt: skip
    assert errors == []
    assert good == SiasnRow(2, NIP, "SK Terbit", CaseStatus.SK_ISSUED, sk_date=D(2026, 2, 1), tmt=D(2026, 10, 1))
    bad, errors = siasn_reconcile.read_row(["12345", "Entah", "31-02-2026", "=A1"], positions, row=3)
    assert bad is None
    assert [(error.cell, error.message.split(" ")[0]) for error in errors] == [
        ("A3", "12345"),
        ("B3", "Entah"),
        ("C3", "31-02-2026"),
        ("D3", "Cell"),
    ]


def test_a_nip_twice_in_the_list_is_refused():
    errors = siasn_reconcile.duplicate_errors([row(), SiasnRow(row=5, nip=NIP)])
    assert [(error.row, error.column) for error in errors] == [(5, "NIP")]


@pytest.mark.parametrize("header", ["alasan", "Keterangan", "CATATAN", "alasan_btl", "Alasan BTL/TMS"])
def test_the_reason_column_is_read_under_its_aliases(header):
    positions = siasn_reconcile.read_header(["nip_baru", "status usulan", header])
    assert [column.field for _index, column in positions] == ["nip", "status_text", "reason"]
    read, errors = siasn_reconcile.read_row([NIP, "BTL", "  SKP   tidak ada "], positions, row=2)
    assert errors == [] and read.reason == "SKP tidak ada" and read.status == CaseStatus.INCOMPLETE
