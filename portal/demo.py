"""Demo data: a believable, fictitious agency (units, ~300 employees, an event, example tali asih rates).

Used by `manage.py seed_demo` (which `make run` calls on first start) and by bench/seed.py, which makes
100,000 employees the same way. Deterministic for a given seed and day; names come from Faker id_ID.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from benefits.models import RateBasis, TaliAsihRate, TaliAsihRateBand
from ceremonies.models import Event, EventKind, EventStatus, Instructor, Official, OfficialRole, Participant, Session
from employees.choices import AsnType, EmployeeStatus, Gender, JenisJabatan, Jenjang, RetirementKind, RumpunKhusus
from employees.models import Employee, RetirementCase, UnitKerja
from employees.retirement import add_months
from purna.models import Instansi

UNITS = [
    ("SETDA", "Sekretariat Daerah", None),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", None),
    ("DISDIK", "Dinas Pendidikan", None),
    ("DISDIK-SD", "Bidang Pembinaan Sekolah Dasar", "DISDIK"),
    ("DINKES", "Dinas Kesehatan", None),
    ("RSUD", "RSUD Kabupaten Contoh", "DINKES"),
    ("DLH", "Dinas Lingkungan Hidup", None),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", None),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", None),
    ("KEC-UTARA", "Kecamatan Kota Utara", None),
    ("KEC-SELATAN", "Kecamatan Kota Selatan", None),
    ("KEC-TIMUR", "Kecamatan Kota Timur", None),
]

# (weight, jenis jabatan, jenjang, rumpun, jabatan names, golongan choices, expected BUP for the demo spread)
POSITIONS = [
    (
        30,
        JenisJabatan.PELAKSANA,
        "",
        "",
        ["Pengadministrasi Umum", "Pengelola Keuangan", "Pengemudi", "Pengelola Data"],
        ["II/a", "II/c", "III/a", "III/b"],
        58,
    ),
    (
        22,
        JenisJabatan.FUNGSIONAL,
        Jenjang.AHLI_MUDA,
        RumpunKhusus.GURU,
        ["Guru Kelas", "Guru Matematika", "Guru Bahasa Indonesia"],
        ["III/c", "III/d"],
        60,
    ),
    (
        10,
        JenisJabatan.FUNGSIONAL,
        Jenjang.AHLI_MADYA,
        RumpunKhusus.GURU,
        ["Guru Kelas", "Guru IPA"],
        ["IV/a", "IV/b"],
        60,
    ),
    (
        8,
        JenisJabatan.FUNGSIONAL,
        Jenjang.AHLI_PERTAMA,
        "",
        ["Perawat Ahli Pertama", "Analis Kebijakan Ahli Pertama"],
        ["III/a", "III/b"],
        58,
    ),
    (
        6,
        JenisJabatan.FUNGSIONAL,
        Jenjang.AHLI_MADYA,
        "",
        ["Dokter Ahli Madya", "Perencana Ahli Madya"],
        ["IV/a", "IV/b", "IV/c"],
        60,
    ),
    (
        6,
        JenisJabatan.FUNGSIONAL,
        Jenjang.TERAMPIL,
        "",
        ["Perawat Terampil", "Pranata Komputer Terampil"],
        ["II/c", "II/d"],
        58,
    ),
    (2, JenisJabatan.FUNGSIONAL, Jenjang.AHLI_UTAMA, "", ["Dokter Ahli Utama"], ["IV/d", "IV/e"], 65),
    (
        8,
        JenisJabatan.PENGAWAS,
        "",
        "",
        ["Kepala Seksi Pelayanan", "Kepala Subbagian Umum", "Kepala Seksi Pemerintahan"],
        ["III/c", "III/d"],
        58,
    ),
    (
        5,
        JenisJabatan.ADMINISTRATOR,
        "",
        "",
        ["Kepala Bidang Pembinaan", "Sekretaris Dinas", "Camat"],
        ["IV/a", "IV/b"],
        58,
    ),
    (
        3,
        JenisJabatan.JPT_PRATAMA,
        "",
        "",
        ["Kepala Dinas", "Kepala Badan", "Asisten Sekretaris Daerah"],
        ["IV/c", "IV/d"],
        60,
    ),
]
UNIT_FOR_RUMPUN = {RumpunKhusus.GURU: "DISDIK-SD"}
PPPK_SHARE = 0.1
# Academic titles follow the golongan (a degree is what lets a CPNS start at III/a) and the gender
# (Drs./Dra., H./Hj.); golongan I and II hold at most a diploma.
FRONT_TITLES = {
    Gender.MALE: ["", "", "", "Drs.", "Dr.", "Ir.", "H."],
    Gender.FEMALE: ["", "", "", "Dra.", "Dr.", "Ir.", "Hj."],
}
DEGREES = ["S.Pd.", "S.Sos.", "S.E.", "S.Kep., Ns.", "M.Si.", "S.T.", "M.Pd.", "S.Kom.", "S.H.", "M.M."]
DIPLOMAS = ["", "", "", "A.Md.", "A.Md.Kep."]


def _titles(rng: random.Random, gender: str, golongan: str) -> tuple[str, str]:
    if golongan.startswith(("I/", "II/")):
        return "", rng.choice(DIPLOMAS)
    front = rng.choice(FRONT_TITLES[gender])
    back = "" if front in ("Drs.", "Dra.", "Ir.") else rng.choice(DEGREES)
    return front, back


def instansi_ensure() -> Instansi:
    instansi = Instansi.objects.filter(pk=1).first()
    if instansi is None:
        instansi = Instansi.objects.create(
            name="BKPSDM Kabupaten Contoh",
            short_name="BKPSDM",
            region="Pemerintah Kabupaten Contoh",
            address="Jl. Jenderal Sudirman No. 1, Kota Contoh",
            email="bkpsdm@contoh.go.id",
            phone="(0542) 123456",
        )
    return instansi


def units_ensure() -> dict[str, UnitKerja]:
    units: dict[str, UnitKerja] = {}
    for code, name, parent in UNITS:
        units[code], _created = UnitKerja.objects.get_or_create(
            code=code, defaults={"name": name, "parent": units.get(parent)}
        )
    return units


def employees_build(count: int, *, today: dt.date, units: dict[str, UnitKerja], seed: int = 2025):
    """Yield `count` unsaved, believable employees with NIPs consistent with their records.

    Retirements spread from two years ago to thirty years ahead, denser in the next two years, so the
    work list and the projections have something to show.
    """
    for values in employee_values(count, today=today, units=units, seed=seed):
        yield Employee(**values)


def employee_values(
    count: int, *, today: dt.date, units: dict[str, UnitKerja], seed: int = 2025, fake: Faker | None = None
):
    """The field values of employees_build's employees, as dicts (bench/seed.py copies them into the
    table without making model instances). `fake` stands in for Faker id_ID's names, cities, phone
    numbers and addresses (bench/seed.py passes pools drawn from it once: Faker's address alone costs
    about 90 microseconds)."""
    rng = random.Random(seed)
    if fake is None:
        fake = Faker("id_ID")
        fake.seed_instance(seed)
    weights = [position[0] for position in POSITIONS]
    other_units = [unit for code, unit in units.items() if code not in UNIT_FOR_RUMPUN.values()]
    sequences: dict[tuple, int] = {}
    for _index in range(count):
        _weight, jenis, jenjang, rumpun, jabatans, golongans, bup = rng.choices(POSITIONS, weights)[0]
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        months_to_tmt = rng.choice([rng.randint(-24, 24), rng.randint(1, 24), rng.randint(1, 96), rng.randint(96, 360)])
        tmt = add_months(today.replace(day=1), months_to_tmt)
        birth = add_months(tmt, -12 * bup - 1).replace(day=rng.randint(1, 28))
        tmt_cpns = min(dt.date(birth.year + rng.randint(22, 32), rng.randint(1, 12), 1), dt.date(today.year - 1, 1, 1))
        is_pppk = jenis == JenisJabatan.FUNGSIONAL and rng.random() < PPPK_SHARE
        # NIP: birth date, TMT CPNS year-month (NI PPPK: appointment year and "21"), gender, sequence.
        middle = f"{tmt_cpns.year}21" if is_pppk else f"{tmt_cpns:%Y%m}"
        key = (birth, middle, gender)
        sequences[key] = sequences.get(key, 0) + 1
        first = fake.first_name_male() if gender == Gender.MALE else fake.first_name_female()
        name = f"{first} {fake.last_name()}"
        golongan = rng.choice(["IX", "X", "XI"]) if is_pppk else rng.choice(golongans)
        front_title, back_title = _titles(rng, gender, golongan)
        yield {
            "asn_type": AsnType.PPPK if is_pppk else AsnType.PNS,
            "nip": f"{birth:%Y%m%d}{middle}{gender}{sequences[key]:03d}",
            "front_title": front_title,
            "name": name,
            "back_title": back_title,
            "birth_place": fake.city_name(),
            "birth_date": birth,
            "gender": gender,
            "golongan": golongan,
            # Those whose TMT has passed are already retired; the rest are at work.
            "status": EmployeeStatus.PENSIUN if tmt <= today else EmployeeStatus.AKTIF,
            "jabatan": rng.choice(jabatans),
            "jenis_jabatan": jenis,
            "jenjang": jenjang,
            "rumpun": rumpun,
            "unit": units[UNIT_FOR_RUMPUN[rumpun]] if rumpun in UNIT_FOR_RUMPUN else rng.choice(other_units),
            "tmt_cpns": tmt_cpns,
            "tmt_pns": None if is_pppk else add_months(tmt_cpns, 12),
            "contract_end": dt.date(today.year + rng.randint(1, 4), 12, 31) if is_pppk else None,
            "email": f"{name.lower().replace(' ', '.')}@contoh.go.id",
            "phone": fake.phone_number(),
            # Retirees' own address, which their letters and emails use once they have left the office.
            "personal_email": f"{name.lower().replace(' ', '.')}@gmail.com" if tmt <= today else "",
            "address": fake.address().replace("\n", ", "),
        }


# The head of BKPSDM and the treasurer carry their roles, so that the kuitansi, the recap, the DPCP and the
# cover letter of the demo print their names instead of dotted lines.
OFFICIALS = [
    ("Drs. H. Sutrisno Wibowo, M.Si.", "196803121990031005", "Bupati Contoh", ""),
    ("Ir. Hj. Ratna Dewi Lestari, M.T.", "197001241995032002", "Sekretaris Daerah Kabupaten Contoh", ""),
    (
        "Agus Salim Harahap, S.H., M.H.",
        "197209091998031004",
        "Kepala BKPSDM Kabupaten Contoh",
        OfficialRole.HEAD_OF_AGENCY,
    ),
    ("Sri Wahyuni, S.E.", "198104152006042011", "Bendahara Pengeluaran BKPSDM", OfficialRole.TREASURER),
]
INSTRUCTORS = [
    ("Rina Marlina, S.E.", "PT Taspen (Persero) KCU Contoh", "Hak peserta Taspen dan THT"),
    ("Bambang Hermanto, S.E., M.M.", "Dinas Koperasi dan UKM", "Kewirausahaan dan koperasi"),
    ("dr. Yuliana Sari, Sp.PD.", "RSUD Kabupaten Contoh", "Kesehatan di usia lanjut"),
    ("Dra. Siti Nurhaliza, M.Psi., Psikolog", "Biro Psikologi Harapan", "Kesiapan psikologis (post power syndrome)"),
    ("Hendra Gunawan", "Praktisi kewirausahaan", "Pengolahan hasil pertanian"),
]


def events_and_schemes_ensure(today: dt.date) -> None:
    """A farewell next month for those who retired lately or retire by then, and a training for those
    retiring within the year, each with its officials, agenda and participants (made once)."""
    tz = timezone.get_current_timezone()
    officials = [
        Official.objects.get_or_create(name=name, defaults={"nip": nip, "title": title, "role": role})[0]
        for name, nip, title, role in OFFICIALS
    ]
    instructors = [
        Instructor.objects.get_or_create(name=name, defaults={"institution": institution, "expertise": expertise})[0]
        for name, institution, expertise in INSTRUCTORS
    ]
    bkpsdm = UnitKerja.objects.filter(code="BKPSDM").first() or UnitKerja.objects.order_by("pk").first()
    if bkpsdm is None:
        return
    farewell_day = add_months(today.replace(day=1), 1).replace(day=20)
    farewell, created = Event.objects.get_or_create(
        title=f"Pelepasan ASN Purna Tugas {farewell_day.year}",
        defaults={
            "kind": EventKind.FAREWELL,
            "starts_at": dt.datetime.combine(farewell_day, dt.time(9, 0), tz),
            "ends_at": dt.datetime.combine(farewell_day, dt.time(12, 0), tz),
            "venue": "Aula Kantor Bupati",
            "organizer": bkpsdm,
            "capacity": 40,
            "status": EventStatus.PUBLISHED,
            "presiding_official": officials[0],
            "description": "Penyerahan SK pensiun, piagam penghargaan, THT dan tali asih KORPRI.",
        },
    )
    if created:
        farewell.signatories.set(officials[:1])
        retired = Employee.objects.filter(
            tmt_pensiun__gte=add_months(today.replace(day=1), -4), tmt_pensiun__lte=add_months(today.replace(day=1), 1)
        ).exclude(status=EmployeeStatus.MENINGGAL)
        Participant.objects.bulk_create(
            [Participant(event=farewell, employee=employee) for employee in retired.order_by("tmt_pensiun")[:40]]
        )
    training_day = add_months(today.replace(day=1), 2).replace(day=8)
    training, created = Event.objects.get_or_create(
        title=f"Pelatihan Persiapan Purna Tugas Angkatan I {training_day.year}",
        defaults={
            "kind": EventKind.TRAINING,
            "starts_at": dt.datetime.combine(training_day, dt.time(8, 0), tz),
            "ends_at": dt.datetime.combine(training_day + dt.timedelta(days=2), dt.time(16, 0), tz),
            "venue": "Aula BKPSDM",
            "organizer": bkpsdm,
            "capacity": 60,
            "presiding_official": officials[1],
            "description": "Kewirausahaan, kesiapan psikologis, kesehatan, keuangan keluarga, hak Taspen.",
        },
    )
    if created:
        training.signatories.set(officials[2:])
        topics = [
            "Pembukaan dan arahan Sekretaris Daerah",
            "Hak peserta Taspen: pensiun dan THT",
            "Kewirausahaan dan koperasi",
            "Kesehatan di usia lanjut",
            "Kesiapan psikologis menghadapi purna tugas",
            "Pengolahan hasil pertanian",
        ]
        speakers = [None, *instructors]
        for index, (topic, instructor) in enumerate(zip(topics, speakers, strict=True)):
            day = training_day + dt.timedelta(days=index // 2)
            hour = 8 if index % 2 == 0 else 13
            Session.objects.create(
                event=training,
                topic=topic,
                instructor=instructor,
                starts_at=dt.datetime.combine(day, dt.time(hour, 0), tz),
                ends_at=dt.datetime.combine(day, dt.time(hour + 2, 30), tz),
            )
        soon = Employee.objects.filter(
            status__in=[EmployeeStatus.AKTIF, EmployeeStatus.MPP],
            tmt_pensiun__gt=training_day,
            tmt_pensiun__lte=add_months(training_day, 12),
        )
        Participant.objects.bulk_create(
            [Participant(event=training, employee=employee) for employee in soon.order_by("tmt_pensiun")[:60]]
        )
    # CONTOH — ganti dengan keputusan KORPRI setempat: example rates shaped like real decisions
    # (DESIGN.md, "KORPRI tali asih"), a flat amount with a higher one for a death.
    TaliAsihRate.objects.get_or_create(
        decision_number="800/12/KORPRI/2025",
        defaults={
            "name": "CONTOH — ganti dengan keputusan KORPRI setempat: tali asih purna tugas (tarif tetap)",
            "decision_date": dt.date(2024, 12, 16),
            "effective_from": dt.date(2025, 1, 1),
            "basis": RateBasis.FLAT,
            "amount": Decimal("2000000"),
            "notes": "CONTOH — ganti dengan keputusan KORPRI setempat.",
        },
    )
    TaliAsihRate.objects.get_or_create(
        decision_number="800/13/KORPRI/2025",
        defaults={
            "name": "CONTOH — ganti dengan keputusan KORPRI setempat: tali asih meninggal dunia",
            "decision_date": dt.date(2024, 12, 16),
            "effective_from": dt.date(2025, 1, 1),
            "basis": RateBasis.FLAT,
            "amount": Decimal("3500000"),
            "retirement_kind": RetirementKind.DEATH,
            "notes": "CONTOH — ganti dengan keputusan KORPRI setempat.",
        },
    )
    by_years, created = TaliAsihRate.objects.get_or_create(
        decision_number="800/14/KORPRI/2025",
        defaults={
            "name": "CONTOH — ganti dengan keputusan KORPRI setempat: tali asih PPPK menurut masa kerja",
            "decision_date": dt.date(2024, 12, 16),
            "effective_from": dt.date(2025, 1, 1),
            "basis": RateBasis.SERVICE_YEARS,
            "asn_type": AsnType.PPPK,
            "notes": "CONTOH — ganti dengan keputusan KORPRI setempat.",
        },
    )
    if created:
        TaliAsihRateBand.objects.bulk_create(
            [
                TaliAsihRateBand(rate=by_years, min_years=0, max_years=5, amount=Decimal("500000")),
                TaliAsihRateBand(rate=by_years, min_years=5, max_years=10, amount=Decimal("1000000")),
                TaliAsihRateBand(rate=by_years, min_years=10, amount=Decimal("1500000")),
            ]
        )


def families_and_cases_ensure(today: dt.date, *, count: int = 8) -> None:
    """A spouse and children for the first `count` people retiring within 15 months, with their BUP
    records open, and one death in service last month with the widow(er) as heir: the family pages, the
    checklists, the DPCP and the heirs have something to show (made once)."""
    from employees.services.cases import retirement_case_open
    from employees.services.family import child_add, spouse_add

    if RetirementCase.objects.exists():
        return
    fake = Faker("id_ID")
    fake.seed_instance(17)
    soon = Employee.objects.filter(
        status__in=[EmployeeStatus.AKTIF, EmployeeStatus.MPP],
        tmt_pensiun__gt=today,
        tmt_pensiun__lte=add_months(today, 15),
    ).order_by("tmt_pensiun", "pk")
    later = Employee.objects.filter(status=EmployeeStatus.AKTIF, tmt_pensiun__gt=add_months(today, 36))
    deceased = later.order_by("pk").first()
    for employee in [*soon[:count], *([deceased] if deceased else [])]:
        wife = employee.gender == Gender.MALE
        married = employee.birth_date.replace(day=1) + dt.timedelta(days=26 * 365)
        spouse = spouse_add(
            employee=employee,
            actor=None,
            name=f"{fake.first_name_female() if wife else fake.first_name_male()} {fake.last_name()}",
            birth_date=employee.birth_date + dt.timedelta(days=700 if wife else -700),
            marriage_date=married,
            marriage_certificate=f"{fake.random_int(100, 999)}/{married.year}",
            address=employee.address,
        )
        for years, in_school in ((2, False), (5, False), (24, True)):
            born = married + dt.timedelta(days=365 * years)
            if born >= today or employee.birth_date >= born:
                continue
            child_add(
                employee=employee,
                actor=None,
                name=f"{fake.first_name()} {fake.last_name()}",
                birth_date=born,
                other_parent=spouse,
                in_school=in_school and add_months(born, 12 * 21) <= today,
            )
        if employee == deceased:
            died_on = add_months(today.replace(day=1), -1).replace(day=14)
            retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=died_on, actor=None)
        else:
            retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=None)
