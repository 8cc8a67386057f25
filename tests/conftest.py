import importlib
import os
import uuid

import pytest
from django.apps import apps as global_apps
from django.db import connections
from django.utils import translation

from employees.models import RetirementRule
from purna import roles
from tests.factories import UserFactory
from tests.workers import WorkerProcess, worker_env

# Transactional tests flush every table, the rows the migrations seeded included: tests that need the
# BUP table or the document checklist ask for them again through these fixtures.
seed_rules = importlib.import_module("employees.migrations.0003_seed_retirement_rules").seed_rules
seed_documents_0005 = importlib.import_module("employees.migrations.0005_seed_document_types").seed
seed_checklist = importlib.import_module("employees.migrations.0023_seed_checklist_per_kind").seed
seed_checklist_terusan = importlib.import_module("employees.migrations.0031_seed_checklist_pensiun_terusan").seed


def seed_documents(apps, schema_editor) -> None:
    """The document checklist as the migrations leave it: the first list, then its kinds and conditions."""
    seed_documents_0005(apps, schema_editor)
    seed_checklist(apps, schema_editor)
    seed_checklist_terusan(apps, schema_editor)


seed_kind_rules_0021 = importlib.import_module("employees.migrations.0021_seed_kind_rules").seed
seed_kind_rule_terusan = importlib.import_module("employees.migrations.0030_seed_pensiun_terusan_rule").seed


def seed_kind_rules(apps, schema_editor) -> None:
    """The rules of the retirement kinds as the migrations leave them (0021, then pensiun terusan)."""
    seed_kind_rules_0021(apps, schema_editor)
    seed_kind_rule_terusan(apps, schema_editor)


@pytest.fixture
def seeded_rules(db):
    """The BUP rules of migration 0003, and the rules of the other kinds of migration 0020 (opening a
    record of any kind needs them)."""
    seed_rules(global_apps, None)
    seed_kind_rules(global_apps, None)
    return RetirementRule.objects.all()


@pytest.fixture
def seeded_documents(db):
    """The document checklist of migrations 0005 and 0020."""
    seed_documents(global_apps, None)


@pytest.fixture
def english():
    """Messages asserted in their source language, whatever catalog is installed."""
    with translation.override("en"):
        yield


@pytest.fixture
def actor(db):
    """The staff member a service call is made by (no password: these tests never log in)."""
    return UserFactory(username="operator-bkd", password=None, units="all")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Real hashers cost ~0.3 s a user by design; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def instansi_cache_empty():
    """The page header's agency is cached (purna/context_processors.py) and each test's rows are rolled
    back, which no signal sees: every test starts without it."""
    from purna.context_processors import instansi_cache_forget

    instansi_cache_forget()


@pytest.fixture(autouse=True)
def menus_empty():
    """The staff menu is kept per process (purna/templatetags/purna_menu.py); a test that overrides a
    URLconf or a template must not see a menu an earlier test rendered."""
    from purna.templatetags.purna_menu import menus_forget

    menus_forget()


@pytest.fixture
def instansi_cache_warm(db, instansi_cache_empty):
    """The agency cached as on every page after the first: for tests that compare the queries of two
    requests (the first of a test would otherwise read the agency, the second not)."""
    from purna.context_processors import instansi_cached

    instansi_cached()


@pytest.fixture(autouse=True)
def two_factor_off(settings):
    """Staff give a second factor after their password (purna/two_factor). Tests of other pages sign in
    with force_login or a password alone, so it is off here unless a test asks for `two_factor`; the
    tests of the second factor, and of the pages it guards, turn it on."""
    settings.PURNA_TWO_FACTOR = False


@pytest.fixture
def two_factor(settings):
    """The second factor as in production (on)."""
    settings.PURNA_TWO_FACTOR = True


@pytest.fixture
def role_user(db):
    """Make a user holding one role group: role_user(roles.OPERATOR)."""

    def make(role: str, **kwargs):
        return UserFactory(roles=[role], **kwargs)

    return make


@pytest.fixture
def operator(role_user):
    return role_user(roles.OPERATOR, username="operator")


@pytest.fixture
def pimpinan(role_user):
    return role_user(roles.PIMPINAN, username="pimpinan")


@pytest.fixture
def private_media(settings, tmp_path):
    """Private documents (employees.storage) go to a temporary folder for the test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def no_role_user(db):
    """Signed in, but holding no role: every staff page must refuse them."""
    return UserFactory(username="tanpa-peran")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


CHROMIUM = "/usr/bin/chromium"
# As root in a container with no network but loopback: no sandbox, no GPU, and none of Chromium's own
# calls home (refused here, and slow to fail).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    """Debian's headless chromium driven by Playwright (skipped when the package is not installed)."""
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (.ci/run installs it; CI must not skip them)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls made by the test
    # itself are still synchronous, so Django's guard against async contexts is lifted for the test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # Django keeps connections per context, and Playwright's greenlet gives the test a context of
            # its own: close what the test opened there, or PostgreSQL cannot drop the test database.
            connections.close_all()


@pytest.fixture
def page(browser, live_server):
    """A browser tab on the live server: page.goto("/") opens the site."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def worker_queue(transactional_db, tmp_path):
    """A real Celery worker on a queue of its own (another worker on the same broker cannot take its
    tasks), against the test database; yields the queue's name."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = WorkerProcess(queue, worker_env(), tmp_path)
    worker.start()
    try:
        yield queue
    finally:
        worker.stop()
        # Whatever happened, the worker's own account of it is in the test report.
        print(worker.logs())
