"""Time certificate PDFs: a 200-certificate event, one PDF file per certificate.

    .venv/bin/python bench/certificates.py [--count 200] [--png var/screenshots/certificate.png]
    .venv/bin/python bench/certificates.py --memory 2000

Side by side in one run (compare the ratio across machines, not the times):

(a) reference: a plain `weasyprint.HTML(string=...).write_pdf()` per certificate, the same HTML, with the
    print stylesheet parsed and the fonts set up for each document, as a naive loop would;
(b) Purna, one certificate at a time (CertificatePrinter.render, as a re-issue prints one);
(c) Purna as the Celery task renders a batch (ceremonies/services/certificates.py): RENDER_CHUNK
    certificates laid out as one document, each page written as its own PDF; a certificate's time is its
    chunk's divided by the chunk's size.

Prints certificates per second, the median and p95 milliseconds, the peak resident memory after each
(resource.getrusage) and Python's own peak allocation while rendering a chunk with (c) (tracemalloc),
and the machine. Budget (DESIGN.md section 7): <= 40 ms median, >= 25/s per process. No database is
needed: the certificates are built in memory. `--png` also writes page 1 of one certificate of each kind
as PNG (pdftoppm -r 60) to look at. `--memory N` renders N certificates in one process as (c) does, as
one task of a worker would, and prints the resident memory every 250 certificates: it should level off,
not grow with N.
"""

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

from _setup import django_setup, production_settings, ratio

production_settings()
os.environ.setdefault("PURNA_SITE_URL", "https://purna.bkpsdm.contoh.go.id")

NAMES = ["Drs. H. Ahmad Yani", "Siti Rahmawati", "Ir. Bambang Sutrisno", "Nur Aini Lestari", "Yohanes Pareira"]


def certificates(count: int, kind: str):
    from ceremonies.certificates import WordingFacts, certificate_wording
    from ceremonies.models import Certificate, Event, EventKind, Participant
    from employees.models import Employee, UnitKerja

    unit = UnitKerja(pk=1, code="U001", name="Dinas Pendidikan dan Kebudayaan")
    event = Event(
        pk=1,
        kind=EventKind.FAREWELL if kind == "piagam" else EventKind.TRAINING,
        title="Pelepasan ASN Purna Tugas Periode November 2025"
        if kind == "piagam"
        else "Pelatihan Persiapan Purna Tugas Angkatan I Tahun 2025",
        starts_at=dt.datetime(2025, 10, 21, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 10, 21, 12, tzinfo=dt.UTC),
        venue="Pendopo Rumah Jabatan Bupati",
        organizer=unit,
    )
    rows = []
    for n in range(count):
        employee = Employee(
            pk=n + 1,
            name=NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n}"),
            back_title="M.Si." if n % 3 == 0 else "",
            nip=f"19670926199003{1 + n % 2}{n % 999 + 1:03d}",
            jabatan="Kepala Sekolah SD Negeri 12",
            unit=unit,
        )
        wording = certificate_wording(
            WordingFacts(
                kind=kind,
                service_years=35,
                service_months=2 + n % 10,
                tmt_pensiun=dt.date(2025, 11, 1),
                region="Pemerintah Kabupaten Contoh",
                event_title=event.title,
                event_day=dt.date(2025, 10, 21),
                venue=event.venue,
                organizer="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
            )
        )
        participant = Participant(pk=n + 1, event=event, employee=employee)
        rows.append(
            Certificate(
                pk=n + 1,
                kind=kind,
                participant=participant,
                number=f"800/{n + 1}/BKPSDM/2025",
                year=2025,
                seq=n + 1,
                issued_on=dt.date(2025, 10, 21),
                place="Balikpapan",
                wording=wording,
                signatory_name="Dr. H. Muhammad Sayid, S.Sos., M.Si.",
                signatory_nip="197001011990031001",
                signatory_title="Sekretaris Daerah Kabupaten Contoh",
            )
        )
    return event, rows


def machine() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    return f"machine: {platform.node()} {platform.machine()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def instansi():
    from purna.models import Instansi

    return Instansi(
        name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        region="Pemerintah Kabupaten Contoh",
        address="Jl. Jenderal Sudirman No. 1",
    )


def measure(render, rows, event) -> list[float]:
    times = []
    for certificate in rows:
        start = time.perf_counter()
        content = render(certificate, event)
        times.append((time.perf_counter() - start) * 1000)
        assert content.startswith(b"%PDF")
    return times


def measure_chunks(printer, rows, event, chunk: int) -> list[float]:
    """Milliseconds per certificate, each certificate counted at its chunk's average."""
    times = []
    for start in range(0, len(rows), chunk):
        certificates = rows[start : start + chunk]
        began = time.perf_counter()
        contents = printer.render_many(certificates, event)
        elapsed = (time.perf_counter() - began) * 1000
        times.extend([elapsed / len(certificates)] * len(certificates))
        assert len(contents) == len(certificates) and all(c.startswith(b"%PDF") for c in contents)
    return times


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def memory(printer, count: int, chunk: int) -> None:
    """Render `count` certificates in this one process, RENDER_CHUNK at a time, printing the resident
    memory every 250: what one task of a worker holds across a large batch."""
    event, rows = certificates(count, "piagam")
    print(f"Memory: {count} piagam in one process, {chunk} per layout, as one task renders a batch")
    print(f"{0:>6} certificates   RSS {resident_mb():6.1f} MB")
    began = time.perf_counter()
    for start in range(0, count, chunk):
        printer.render_many(rows[start : start + chunk], event)
        done = min(start + chunk, count)
        if done // 250 > start // 250 or done == count:
            rate = done / (time.perf_counter() - began)
            print(f"{done:>6} certificates   RSS {resident_mb():6.1f} MB   {rate:5.1f}/s so far")


def report(label: str, times: list[float]) -> float:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    rate = len(times) / (sum(times) / 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<48} {rate:6.1f}/s   median {median:6.1f} ms   p95 {p95:6.1f} ms   peak RSS {peak:5.0f} MB")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--png", help="also write page 1 of a piagam (and -training of a sertifikat) as PNG")
    parser.add_argument("--memory", type=int, metavar="N", help="only: resident memory across N certificates")
    args = parser.parse_args()
    django_setup()
    import weasyprint
    from django.template.loader import render_to_string
    from django.utils import translation

    from ceremonies.certificate_pdf import TEMPLATE, CertificatePrinter
    from ceremonies.services.certificates import RENDER_CHUNK
    from purna import pdf

    printer = CertificatePrinter(instansi())
    if args.memory:
        print(f"{pdf.pdf_settings_summary()}; {machine()}")
        memory(printer, args.memory, RENDER_CHUNK)
        return
    event, rows = certificates(args.count, "piagam")
    css = (pdf._static_bytes(pdf.STYLESHEET) or b"").decode()

    def plain(certificate, event):
        with translation.override("id"):
            html = render_to_string(
                TEMPLATE, {"pages": [printer.context(certificate, event)], "pdf_logo_url": pdf.LOGO_URL + "purna"}
            )
        document = weasyprint.HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf._fetcher_class()(""))
        return document.write_pdf(stylesheets=[weasyprint.CSS(string=css, base_url=pdf.BASE_URL)])

    print(f"Certificates: {args.count} piagam, one PDF each; {pdf.pdf_settings_summary()}")
    print(machine())
    plain(rows[0], event)  # WeasyPrint's own first-use costs (Pango, HarfBuzz) are no one's
    reference = report("(a) plain weasyprint.HTML(...).write_pdf()", measure(plain, rows, event))
    printer.render(rows[0], event)
    single = report("(b) Purna, one at a time (render)", measure(printer.render, rows, event))
    batch = report(
        f"(c) Purna, a batch ({RENDER_CHUNK} per layout)", measure_chunks(printer, rows, event, RENDER_CHUNK)
    )
    print(
        f"median ms, reference (a) / Purna: (b) {ratio(reference, single)}, (c) {ratio(reference, batch)} "
        "(above 1: Purna faster)"
    )
    tracemalloc.start()
    printer.render_many(rows[:RENDER_CHUNK], event)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"Python allocations, peak while rendering a chunk of {RENDER_CHUNK} with (c): {peak / 1024 / 1024:.1f} MB")
    print("Budget, for (c) as a worker renders a batch: <= 40 ms median, >= 25/s per process")

    if args.png:
        png = Path(args.png)
        png.parent.mkdir(parents=True, exist_ok=True)
        training_event, training = certificates(1, "sertifikat")
        samples = [(png, printer.render(rows[0], event))]
        samples.append((png.with_name(png.stem + "-training.png"), printer.render(training[0], training_event)))
        for target, content in samples:
            with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
                file.write(content)
                file.flush()
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", file.name, str(target)[:-4]],
                    check=True,
                )
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
