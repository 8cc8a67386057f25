"""`make run`'s web server, Celery worker and Celery beat, from the Procfile, through honcho's manager.

Not `honcho start`, for three reasons: it sets PORT for every process it starts (5000, 5100, ...), so
the web server listened elsewhere than where `make run` said; a busy port showed only as the web
server's own error after everything had started; and a process that died was reported by its exit
code, below its traceback. Here the port is the person's PORT (8000 by default), checked before
anything starts; each process's lines also go to var/log/<name>.log; and a process that stops by itself
is named, with the last error line it printed, as the last line on screen.
"""

import collections
import contextlib
import errno
import os
import re
import signal
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from honcho.environ import parse_procfile
from honcho.manager import SYSTEM_PRINTER_NAME, Manager
from honcho.printer import Printer

DEFAULT_PORT = 8000
# honcho's own words (pinned version) for a process that ended and for a signal it received.
STOPPED = re.compile(r"^(?P<name>\S+) stopped \(rc=(?P<rc>-?\d+)\)")
SIGNALLED = re.compile(r"^SIG\w+ received")
# Lines that say why a process died: a log record at ERROR or CRITICAL (Celery's format), a traceback's
# last line ("json.decoder.JSONDecodeError: ..."), or a command's own "Error: ..." (runserver, click).
ERROR_LINE = re.compile(r"^(\[[^\]]*(ERROR|CRITICAL)/[^\]]*\]|[\w.]+(Error|Exception|Exit|Interrupt)\b|Error:)")
# Celery's log prefix, "[2026-12-02 16:40:00,123: CRITICAL/MainProcess] ", left out of a reason.
LOG_PREFIX = re.compile(r"^\[[^\]]*\]\s*")


def port_in_use(host: str, port: int) -> bool:
    """True when another program listens on host:port (a socket in TIME_WAIT does not count, as for runserver)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


class LoggingPrinter(Printer):
    """honcho's printer, which also writes each process's lines to <log_dir>/<name>.log, keeps the last
    error each process printed, and notes the first process that stopped before any signal came.

    Safe to call again while it writes: honcho's Ctrl-C handler prints ("SIGINT received"), and a signal
    that lands in the middle of a print made Python raise "RuntimeError: reentrant call" and left the
    processes running. A message that arrives during a write is printed when that write ends.
    """

    def __init__(self, log_dir: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_dir = log_dir
        self.logs: dict = {}
        self.last_errors: dict[str, str] = {}
        self.signalled = False
        self.first_stopped: tuple[str, int] | None = None
        self._writing = False
        self._pending: collections.deque = collections.deque()

    def write(self, message) -> None:
        if self._writing:
            self._pending.append(message)
            return
        self._writing = True
        try:
            self._write(message)
            while self._pending:
                self._write(self._pending.popleft())
        finally:
            self._writing = False

    def flush_pending(self) -> None:
        """Print what a signal left while the last write was ending."""
        while self._pending:
            self.write(self._pending.popleft())

    def _write(self, message) -> None:
        super().write(message)
        text = message.data.decode("utf-8", "replace") if isinstance(message.data, bytes) else message.data
        if message.name == SYSTEM_PRINTER_NAME:
            self._system_line(text)
            return
        if message.name not in self.logs:
            self.logs[message.name] = (self.log_dir / f"{message.name}.log").open("w", encoding="utf-8")
        log = self.logs[message.name]
        log.write(text if text.endswith("\n") else text + "\n")
        log.flush()
        for line in text.splitlines():
            if ERROR_LINE.match(line):
                self.last_errors[message.name] = LOG_PREFIX.sub("", line.strip())

    def _system_line(self, text: str) -> None:
        if SIGNALLED.match(text):
            self.signalled = True
        stopped = STOPPED.match(text)
        if stopped and not self.signalled and self.first_stopped is None:
            self.first_stopped = stopped["name"], int(stopped["rc"])

    def close(self) -> None:
        for log in self.logs.values():
            log.close()


class InterruptingManager(Manager):
    """honcho's manager, which stops each process group as Ctrl-C in its own terminal would (SIGINT)
    instead of with SIGTERM: the pool processes of a Celery worker ignore SIGINT and finish their task
    while the worker shuts down, where SIGTERM would kill them in the middle of it."""

    def _killall(self, force: bool = False) -> None:
        for name, process in self._processes.items():
            if "returncode" in process or "pid" not in process:
                continue
            signum = signal.SIGKILL if force else signal.SIGINT
            self._system_print(f"sending {signum.name} to {name} (pid {process['pid']})\n")
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process["pid"], signum)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property, not a class attribute: argparse needs a real str, in the language active when it runs.
        return _(
            "Run the web server, the Celery worker and Celery beat of the Procfile until Ctrl-C; the web "
            "server listens on PORT (default 8000)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--check-port", action="store_true", help=_("Only check that the port is free, then exit."))

    def handle(self, *args, check_port: bool, **options):
        host = os.environ.get("PURNA_HOST") or "127.0.0.1"
        port = int(os.environ.get("PORT") or DEFAULT_PORT)
        if port_in_use(host, port):
            self.stderr.write(
                _(
                    "Port %(port)s on %(host)s is already in use by another program: stop it, or choose "
                    "another port, e.g. PORT=%(other)s make run."
                )
                % {"port": port, "host": host, "other": port + 1}
            )
            raise SystemExit(1)
        if check_port:
            return
        raise SystemExit(self.run(host, port))

    def run(self, host: str, port: int) -> int:
        log_dir = settings.VAR_DIR / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        printer = LoggingPrinter(log_dir, output=sys.stdout)
        manager = InterruptingManager(printer=printer)
        url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
        env = {**os.environ, "PORT": str(port), "PURNA_HOST": host, "PYTHONUNBUFFERED": "1"}
        # Links in emails (sign-in links, invitations) point at this server unless the person set the address.
        env["PURNA_SITE_URL"] = os.environ.get("PURNA_SITE_URL") or url.rstrip("/")
        procfile = parse_procfile((settings.BASE_DIR / "Procfile").read_text())
        for name, command in procfile.processes.items():
            manager.add_process(name, command, env=env, cwd=str(settings.BASE_DIR))
        self.stdout.write(
            self.style.SUCCESS(
                _("Purna is running at %(url)s (Ctrl-C stops the web server, the worker and beat)") % {"url": url}
            )
        )
        try:
            manager.loop()
        finally:
            printer.flush_pending()
            printer.close()
        if printer.first_stopped is not None:
            name, returncode = printer.first_stopped
            reason = printer.last_errors.get(name) or _("no error printed")
            self.stderr.write(
                _("%(name)s stopped (exit code %(code)s): %(reason)s; full log: %(log)s")
                % {"name": name, "code": returncode, "reason": reason, "log": os.path.relpath(log_dir / f"{name}.log")}
            )
            return returncode if returncode > 0 else 1
        return 0
