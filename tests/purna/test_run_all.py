"""manage.py run_all, the last step of `make run`: a busy port stops it before anything starts, and a
process that dies is named in one line with its error while the others are stopped."""

import datetime as dt
import io
import signal
import socket
import sys

import pytest
from django.core.management import call_command
from honcho.manager import SYSTEM_PRINTER_NAME
from honcho.printer import Message

from purna.management.commands.run_all import LoggingPrinter

PROCFILE = f"""\
# A process that runs until it is stopped, and one that dies as the worker did on a half-written message.
steady: {sys.executable} -c "import time; print('up', flush=True); time.sleep(60)"
crashing: {sys.executable} -c "import sys, time; time.sleep(1); print('[2026-12-02 10:00:00,000: CRITICAL/MainProcess] Unrecoverable error: JSONDecodeError()'); print('Traceback (most recent call last):'); print('  File kombu/transport/filesystem.py'); print('json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)'); sys.exit(3)"
"""


@pytest.fixture
def listening_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def signal_handlers():
    """honcho's manager installs its own SIGINT and SIGTERM handlers: give the test process its own back."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_busy_port_stops_it_with_one_line_in_indonesian(monkeypatch, listening_port):
    monkeypatch.setenv("PORT", str(listening_port))
    stderr = io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("run_all", "--check-port", stderr=stderr)

    assert exit_.value.code == 1
    assert stderr.getvalue().strip().splitlines() == [
        f"Port {listening_port} di 127.0.0.1 sudah dipakai program lain: hentikan program itu, atau pilih port "
        f"lain, misalnya PORT={listening_port + 1} make run."
    ]


def test_a_free_port_passes_the_check(monkeypatch, free_port):
    monkeypatch.setenv("PORT", str(free_port))

    call_command("run_all", "--check-port")


def test_a_process_that_dies_is_named_with_its_error_and_the_others_are_stopped(
    monkeypatch, settings, tmp_path, free_port, signal_handlers, capfd
):
    (tmp_path / "Procfile").write_text(PROCFILE)
    settings.BASE_DIR = tmp_path
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setenv("PORT", str(free_port))
    stderr = io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("run_all", stderr=stderr)

    assert exit_.value.code == 3
    lines = stderr.getvalue().strip().splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith(
        "crashing berhenti (kode keluar 3): json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0); "
        "log lengkap: "
    )
    assert line.endswith("var/log/crashing.log")
    assert "Traceback" in (tmp_path / "var" / "log" / "crashing.log").read_text()
    assert "up" in (tmp_path / "var" / "log" / "steady.log").read_text()
    output = capfd.readouterr().out
    assert "sending SIGINT to steady" in output
    assert "steady stopped" in output
    assert "SIGKILL" not in output


class InterruptedOutput(io.StringIO):
    """An output in the middle of whose first write a signal handler prints, as Ctrl-C does to honcho."""

    def __init__(self) -> None:
        super().__init__()
        self.printer = None

    def write(self, text: str) -> int:
        printer, self.printer = self.printer, None
        if printer is not None:
            printer.write(Message("line", "SIGINT received\n", dt.datetime.now(dt.UTC), SYSTEM_PRINTER_NAME, None))
        return super().write(text)


def test_a_signal_in_the_middle_of_a_print_is_printed_after_it(tmp_path):
    output = InterruptedOutput()
    printer = LoggingPrinter(tmp_path, output=output, prefix=False)
    output.printer = printer

    printer.write(Message("line", b"worker ready\n", dt.datetime.now(dt.UTC), "worker", None))

    assert output.getvalue().splitlines() == ["worker ready", "SIGINT received"]
    assert printer.signalled
