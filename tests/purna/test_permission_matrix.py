"""The permission matrix: every URL of the site, knocked on by every kind of visitor, GET and POST, against
one table of expected answers.

The walk lists every URL pattern of the resolver (the admin's pages of each registered model included);
each is filled with the real ids of unit A's objects (tests/purna/matrix_world.py) and asked by: nobody
signed in, each role scoped to unit A, the same roles scoped to unit B (who must get 404 on unit A's
objects, never 200, nor 403 once the permission lets them in: that would confirm the object exists), an
operator with no unit, and two retirees. Views that change something are also asked with POST.

**A new URL needs a row in TABLE** (or, for the admin's pages of a new model, in ADMIN_MODELS): the walk
fails naming it ("add a row for: ..."). A row is written as tokens `who:answer`, read left to right, a
later token overriding an earlier one; `who` is an identity (`opr@A`, `nounit`, `retiree`...), a group
(`all`, `staff`, `A`, `B`, `retirees`, or a role code for both units: `adm`, `opr`, `ver`, `ben`, `pim`),
or several joined by commas; `answer` is a status code, or `login` / `portal-login` / `admin-login` for
a redirect to that sign-in page, followed by `~` when that answer refuses (a redirect with a message, a
form with its errors). S() and U() write the usual staff rows from each role's answer in unit A.

Each request runs in a savepoint rolled back after it, so every request meets the same world (an allowed
POST that changed something does not change the next request's answer), and no on-commit task is sent.
A refused request, and every GET, must have written nothing (on PostgreSQL, the transaction's own count
of rows written; elsewhere, refused POSTs only, by a digest of the rows).
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from ceremonies.feedback import feedback_token_make
from tests.purna.matrix_knock import Knock, admin_expected, knock, url_names
from tests.purna.matrix_rows import (
    ADMIN_VIEWS,
    ANY,
    EDITORS,
    EDITORS_DONE,
    EVERY_ROLE,
    POST_ONLY,
    REFUSED,
    AdminModel,
    Row,
    S,
    U,
    ct,
    expect,
    history_row,
    pk,
)
from tests.purna.matrix_world import ROLE_IDENTITIES_A, ROLE_IDENTITIES_B, build_world


def heir(name: str):
    """The URL kwargs of an heir's code pages: unit A's employee and their spouse `name`."""
    return lambda w: {"pk": w.objects["employee"].pk, "kind": "pasangan", "heir_pk": w.objects[name].pk}


# GETs that write, on purpose: not a change of state the matrix guards.
GET_WRITES = {
    "certificate_verify": "counts the checks of a certificate (Certificate.verification_count)",
    # Documents and exports made in the background (purna/generated.py): asking for one queues it (a
    # GeneratedDocument row) when no file made from the same data exists.
    **dict.fromkeys(
        [
            "ceremonies:attendance_pdf",
            "ceremonies:participants_xlsx",
            "ceremonies:feedback_xlsx",
            "ceremonies:report_pdf",
            "ceremonies:letters_pdf",
            "benefits:recap_xlsx",
            "benefits:recap_pdf",
            "employees:projection_xlsx",
            "employees:export",
            "ceremonies:pension_dpcp_pdf",
            "ceremonies:pension_cover_letter_pdf",
            "ceremonies:pension_sk_receipt_pdf",
            "employees:bkn_answers_xlsx",
            "ceremonies:certificates_print",
            "ceremonies:certificates_zip",
        ],
        "queues the document (purna/generated.py)",
    ),
}


# --- THE TABLE: one row per URL name. A new URL fails test_every_url_has_a_row until it has one. --------
# Answers: a status code, `login` / `portal-login` / `admin-login` (the redirect to that sign-in page),
# or a code followed by `~`: answered so (a redirect with a message, a form with its errors) but refused:
# nothing may change.
TABLE: dict[str, Row] = {
    # The ground: sign-in, language, health, the public certificate check.
    # A retiree who opens the staff site is sent to their portal.
    "dashboard": Row(None, U(ANY, "retirees:302")),
    "healthz": Row(None, "all:200"),
    # The system's status (purna/status): superusers only, and none of the matrix's identities is one.
    "status:system": Row(None, "all:403 anon:login"),
    "instansi_logo": Row(None, "all:302"),
    "login": Row(None, "all:302 anon:200", "all:302 anon:200~"),
    "logout": Row(None, "all:405 anon:login", "all:302 anon:login"),
    # A retiree has no password to change (portal accounts sign in with links): sent to the portal.
    "password_change": Row(None, "all:200 anon:login retirees:302", "all:200~ anon:login retirees:302~"),
    "password_change_done": Row(None, "all:200 anon:login retirees:302"),
    # The second step of a staff sign-in (purna/two_factor): the session's own, no permission; whoever owes
    # no second factor (the suite runs with PURNA_TWO_FACTOR off) is sent on to `next`.
    "two_factor:verify": Row(None, "all:302 anon:login", "all:302~ anon:login"),
    "two_factor:enrol": Row(None, "all:302 anon:login", "all:302~ anon:login"),
    # The recovery codes are shown once, from the session that made them; without any, a page that says so.
    "two_factor:recovery_codes": Row(None, "all:200 anon:login"),
    "set_language": Row(None, "all:302", "all:302", {"language": "en"}),
    "certificate_verify": Row(lambda w: {"code": w.certificate.verification_code}, "all:200"),
    # The register.
    "employees:list": Row(None, U(ANY)),
    "employees:detail": Row(pk("employee"), S(ANY)),
    "employees:create": Row(None, U(EDITORS), U(EDITORS)),
    "employees:update": Row(pk("employee"), S(EDITORS), S(EDITORS)),
    "employees:projection": Row(None, U(ANY)),
    "employees:projection_print": Row(None, U(ANY)),
    "employees:projection_xlsx": Row(None, U(ANY)),
    "employees:retiring": Row(None, U(ANY)),
    "employees:case_open": Row(pk("employee"), S(EDITORS), S(EDITORS)),
    "employees:case_detail": Row(pk("case"), S(ANY)),
    # The facts of the record's kind: the world's BUP record saves an empty form (no KPP requested).
    "employees:case_kind_facts": Row(pk("case"), S(EDITORS), S(EDITORS_DONE)),
    # Correcting BKN's pertek: the world's record has none yet, so editors are sent back to it with a message.
    "employees:case_pertek_correct": Row(
        pk("case"), S("adm,opr:302~ ver,ben,pim:403"), S("adm,opr:302~ ver,ben,pim:403")
    ),
    "employees:case_transition": Row(lambda w: {"pk": w.case.pk, "to_status": "diusulkan"}, S(EDITORS), S(EDITORS)),
    "employees:case_document_upload": Row(
        lambda w: {"pk": w.case.pk, "type_pk": w.document_type.pk}, S(EDITORS), S(EDITORS)
    ),
    "employees:case_document": Row(pk("case_document"), S(ANY)),
    # BKN's BTL and TMS answers by month and unit: within the staff member's units (the workbook is queued).
    "employees:bkn_answers": Row(None, U(ANY)),
    "employees:bkn_answers_xlsx": Row(None, U(ANY)),
    "employees:case_document_delete": Row(pk("case_document"), POST_ONLY, S(EDITORS_DONE)),
    # Imports: a job is shown to whoever uploaded it (and to staff who see every unit).
    "employees:import_create": Row(None, U(EDITORS), U(EDITORS)),
    "employees:import_detail": Row(pk("import_job"), S(EDITORS, "adm@A:404")),
    "employees:import_progress": Row(pk("import_job"), S(EDITORS, "adm@A:404")),
    # "Impor sekarang": POST only, to an uploader's clean dry run; the world's job is no dry run (refused).
    "employees:import_from_dry_run": Row(
        pk("import_job"), U("adm,opr:405 ver,ben,pim:403"), S("adm,opr:302~ ver,ben,pim:403", "adm@A:404")
    ),
    "employees:import_template": Row(lambda w: {"fmt": "xlsx"}, U(EDITORS)),
    # SIASN reconciliation: a list is shown to whoever uploaded it; the world's has nothing to apply (refused).
    "employees:siasn_create": Row(None, U(EDITORS), U(EDITORS)),
    "employees:siasn_detail": Row(pk("siasn_reconciliation"), S(EDITORS, "adm@A:404")),
    "employees:siasn_apply": Row(
        pk("siasn_reconciliation"), U("adm,opr:405 ver,ben,pim:403"), S("adm,opr:302~ ver,ben,pim:403", "adm@A:404")
    ),
    "employees:export": Row(lambda w: {"fmt": "xlsx"}, U(ANY)),
    # The family (employees/views/family.py): who may change an employee may change their family.
    "employees:family_add": Row(lambda w: {"employee_pk": w.employee.pk, "kind": "pasangan"}, S(EDITORS), S(EDITORS)),
    "employees:family_update": Row(lambda w: {"kind": "pasangan", "pk": w.spouse.pk}, S(EDITORS), S(EDITORS)),
    "employees:family_remove": Row(lambda w: {"kind": "pasangan", "pk": w.spouse.pk}, S(EDITORS), S(EDITORS_DONE)),
    "employees:family_import": Row(None, U(EDITORS), U(EDITORS)),
    "employees:family_corrections": Row(None, U(EDITORS)),
    # POST only; the request is read (in the scope) before the method is checked.
    "employees:family_correction_decide": Row(
        lambda w: {"pk": w.family_correction.pk, "decision": "tolak"},
        S("adm,opr:405 ver,ben,pim:403", "adm@B,opr@B,nounit:404"),
        S(EDITORS_DONE),
        {"decision_reason": "Belum ada akta kelahiran"},
    ),
    # A document made in the background (purna/generated.py), here unit A's attendance sheet made for the
    # staff of unit A: another scope (unit B, no unit) meets 404, as for the event itself.
    "documents:page": Row(pk("generated_document"), S(ANY)),
    "documents:status": Row(pk("generated_document"), S(ANY)),
    "documents:file": Row(pk("generated_document"), S(ANY)),
    # Made already: trying again changes nothing and shows its page.
    "documents:retry": Row(pk("generated_document"), POST_ONLY, S("all:302")),
    # Ceremonies.
    "ceremonies:list": Row(None, U(ANY)),
    "ceremonies:create": Row(None, U(EDITORS), U(EDITORS)),
    # Instructors belong to the whole agency: no unit, so no scope; the permissions decide.
    "ceremonies:instructors": Row(None, U(ANY)),
    "ceremonies:instructor_create": Row(None, U(EDITORS), U(EDITORS)),
    "ceremonies:instructor_update": Row(pk("instructor"), U(EDITORS), U(EDITORS)),
    "ceremonies:detail": Row(pk("event"), S(ANY)),
    "ceremonies:update": Row(pk("event"), S(EDITORS), S(EDITORS)),
    "ceremonies:transition": Row(lambda w: {"pk": w.event.pk, "to_status": "draf"}, POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:session_create": Row(pk("event"), S(EDITORS), S(EDITORS)),
    "ceremonies:session_update": Row(lambda w: {"pk": w.event.pk, "session_pk": w.session.pk}, S(EDITORS), S(EDITORS)),
    "ceremonies:session_delete": Row(
        lambda w: {"pk": w.event.pk, "session_pk": w.session.pk}, POST_ONLY, S(EDITORS_DONE)
    ),
    "ceremonies:cohort": Row(pk("event"), S(EDITORS), S(EDITORS_DONE), lambda w: {"employee": [w.employee.pk]}),
    "ceremonies:checkin": Row(pk("event"), S(EDITORS)),
    "ceremonies:checkin_all": Row(pk("event"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:checkin_all_undo": Row(pk("event"), POST_ONLY, S(EDITORS_DONE)),
    # The offline check-in: the list a phone keeps, its queue's sync (an empty body is no JSON: 400), and
    # the service worker of the check-in pages.
    "ceremonies:checkin_data": Row(pk("event"), S(EDITORS)),
    "ceremonies:checkin_sync": Row(pk("event"), POST_ONLY, S("adm,opr:400 ver,ben,pim:403")),
    "ceremonies:checkin_service_worker": Row(None, U(EDITORS)),
    "ceremonies:checkin_code": Row(
        lambda w: {"pk": w.event.pk, "code": w.participant.checkin_code}, S(EDITORS), S(EDITORS_DONE)
    ),
    "ceremonies:participant": Row(pk("participant"), S("all:302")),
    "ceremonies:participant_update": Row(pk("participant"), S(EDITORS), S(EDITORS_DONE)),
    "ceremonies:participant_remove": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:participant_check_in": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:souvenir": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:participant_check_in_undo": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:souvenir_undo": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:attendance_pdf": Row(pk("event"), S(ANY)),
    # The pension proposal's papers (ceremonies/views/pension.py): read by every role within the scope,
    # issued and recorded by the editors. A batch without records picked goes back to the list.
    "ceremonies:pension_papers": Row(None, U(ANY)),
    "ceremonies:pension_dpcp_batch": Row(None, U("all:302")),
    "ceremonies:pension_dpcp": Row(pk("case"), S(ANY)),
    "ceremonies:pension_dpcp_pdf": Row(pk("case"), S(ANY)),
    "ceremonies:pension_dpcp_docx": Row(pk("case"), S(ANY)),
    "ceremonies:pension_address_after": Row(pk("case"), POST_ONLY, S(EDITORS_DONE), {"address": "Jl. Matriks 1"}),
    "ceremonies:pension_sk_receipt": Row(pk("case"), S(ANY), S(EDITORS)),
    "ceremonies:pension_sk_receipt_pdf": Row(pk("case"), S(ANY)),
    "ceremonies:pension_sk_receipt_docx": Row(pk("case"), S(ANY)),
    "ceremonies:pension_cover_letter_create": Row(None, POST_ONLY, U("adm,opr:302~ ver,ben,pim:403")),
    "ceremonies:pension_cover_letter": Row(pk("cover_letter"), S(ANY)),
    "ceremonies:pension_cover_letter_pdf": Row(pk("cover_letter"), S(ANY)),
    "ceremonies:pension_cover_letter_docx": Row(pk("cover_letter"), S(ANY)),
    "ceremonies:participants_xlsx": Row(pk("event"), S(ANY)),
    # A training's feedback summary and its workbook: the organising unit's staff only.
    "ceremonies:feedback_summary": Row(pk("event"), S(ANY)),
    "ceremonies:feedback_xlsx": Row(pk("event"), S(ANY)),
    "ceremonies:report_pdf": Row(pk("farewell"), S(ANY)),
    "ceremonies:letters_pdf": Row(pk("event"), S(ANY)),
    # The invitation's own page: a signed link, no sign-in (an answer it does not know is refused).
    "ceremonies:rsvp": Row(None, "all:200", "all:400", {"answer": "tidak-ada"}, url=lambda w: w.rsvp_path),
    "ceremonies:invitations_send": Row(pk("event"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:certificates": Row(pk("farewell"), S(ANY)),
    "ceremonies:certificates_issue": Row(pk("farewell"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:certificates_print": Row(pk("farewell"), S(ANY)),
    "ceremonies:certificates_zip": Row(pk("farewell"), S(ANY)),
    "ceremonies:certificate_batch": Row(pk("certificate_batch"), S(ANY)),
    "ceremonies:certificate_batch_progress": Row(pk("certificate_batch"), S(ANY)),
    "ceremonies:certificate_batch_retry": Row(pk("certificate_batch"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:certificate_pdf": Row(pk("certificate"), S(ANY)),
    "ceremonies:certificate_revoke": Row(pk("certificate"), POST_ONLY, S(EDITORS_DONE), {"reason": "Salah nama"}),
    "ceremonies:certificate_reissue": Row(pk("certificate"), POST_ONLY, S(EDITORS_DONE)),
    # THT and tali asih: each step of a payout is one role's (benefits/services/payouts.py).
    "benefits:list": Row(None, U(ANY)),
    # Tali asih rates: reference data of the whole agency (no scope), written by the admins only.
    "benefits:rate_create": Row(None, U("adm:200 opr,ver,ben,pim:403"), U("adm:200 opr,ver,ben,pim:403")),
    "benefits:rate_update": Row(pk("rate"), U("adm:200 opr,ver,ben,pim:403"), U("adm:200 opr,ver,ben,pim:403")),
    "benefits:payouts": Row(None, U(ANY)),
    # The bulk steps read the ticked payouts through the scope and leave the step to the service, which
    # refuses a role without its permission with a message.
    "benefits:payouts_verify": Row(
        None, POST_ONLY, U("all:302~", "adm@A,ver@A:302"), lambda w: {"payout": [w.payout_draft.pk]}
    ),
    "benefits:payouts_approve": Row(
        None, POST_ONLY, U("all:302~", "adm@A,pim@A:302"), lambda w: {"payout": [w.payout_verified.pk]}
    ),
    "benefits:payout_detail": Row(pk("payout_paid"), S(ANY)),
    "benefits:payout_verify": Row(pk("payout_draft"), POST_ONLY, S("adm,ver:302 opr,ben,pim:403")),
    "benefits:payout_approve": Row(pk("payout_verified"), POST_ONLY, S("adm,pim:302 opr,ver,ben:403")),
    "benefits:payout_pay": Row(pk("payout_approved"), POST_ONLY, S("adm,ben:422~ opr,ver,pim:403")),
    "benefits:payout_override": Row(pk("payout_draft"), POST_ONLY, S("adm,opr:422~ ver,ben,pim:403")),
    "benefits:payout_cancel": Row(pk("payout_draft"), POST_ONLY, S(EDITORS_DONE), {"reason": "Salah orang"}),
    "benefits:payout_reverse": Row(
        pk("payout_paid"), POST_ONLY, S("adm,pim:302 opr,ver,ben:403"), {"reason": "Salah jumlah"}
    ),
    "benefits:payout_proof": Row(pk("payout_paid"), S(ANY)),
    # Heirs as payees: the draft's employee is alive and the form is empty, so the editors get the form back.
    "benefits:payout_payee": Row(pk("payout_draft"), POST_ONLY, S("adm,opr:422~ ver,ben,pim:403")),
    "benefits:payout_payee_clear": Row(pk("payout_draft"), POST_ONLY, S("adm,opr:422~ ver,ben,pim:403")),
    # The paid payout has no heir statement: 404 for whoever may see it.
    "benefits:payout_heir_statement": Row(pk("payout_paid"), S("all:404")),
    "benefits:prepare": Row(None, U(EDITORS), U(EDITORS)),
    # Without a selection, sent back to the form with a message (a selection queues the workbook).
    "benefits:prepare_preview_xlsx": Row(None, U("adm,opr:302~ ver,ben,pim:403")),
    # A preparation batch is shown to whoever asked for it only.
    "benefits:batch_detail": Row(pk("payout_batch"), S(EDITORS, "adm@A:404")),
    "benefits:batch_progress": Row(pk("payout_batch"), S(EDITORS, "adm@A:404")),
    "benefits:tht": Row(None, U(ANY)),
    "benefits:tht_import": Row(None, U(EDITORS), U(EDITORS)),
    "benefits:tht_template": Row(None, U(EDITORS)),
    "benefits:tht_edit": Row(lambda w: {"employee_pk": w.retiree_employee.pk}, S(EDITORS), S(EDITORS)),
    "benefits:handover": Row(pk("event"), S(ANY)),
    "benefits:handover_pay": Row(
        lambda w: {"pk": w.event.pk, "payout_pk": w.payout_approved.pk},
        POST_ONLY,
        # The first press asks for confirmation (the amount; a representative for someone not checked in).
        S("adm,ben:200 opr,ver,pim:403"),
    ),
    # Undoing a hand-over: the Bendahara's; an approved payout (not handed over) is refused with a message.
    "benefits:handover_undo": Row(
        lambda w: {"pk": w.event.pk, "payout_pk": w.payout_approved.pk},
        POST_ONLY,
        S("adm,ben:302~ opr,ver,pim:403"),
    ),
    "benefits:receipt_pdf": Row(pk("payout_paid"), S(ANY)),
    # Issuing a receipt takes a number: those who prepare or pay payouts (benefits.services.receipts.
    # PERMS_ISSUE); readers are refused. The view permission is checked before the method (GET: 405).
    "benefits:receipt_issue": Row(pk("payout_paid"), U("all:405"), S("adm,opr,ben:302 ver,pim:403")),
    "benefits:receipt_status": Row(pk("payout_paid"), S(ANY)),
    "benefits:recap_xlsx": Row(None, U(ANY)),
    "benefits:recap_pdf": Row(None, U(ANY)),
    # The outbox.
    "notifications:list": Row(None, U("adm,opr,pim:200 ver,ben:403")),
    "notifications:detail": Row(pk("message"), S("adm,opr,pim:200 ver,ben:403")),
    # The email's HTML, framed by the detail page under a policy of its own (purna/notifications/views.py).
    "notifications:html": Row(pk("message"), S("adm,opr,pim:200 ver,ben:403")),
    "notifications:retry": Row(pk("message"), POST_ONLY, S(EDITORS_DONE)),
    "notifications:cancel": Row(pk("message"), POST_ONLY, S(EDITORS_DONE), {"reason": "Tidak perlu"}),
    # The retirees' portal: each sees their own papers only; staff are refused.
    "portal:home": Row(None, "all:403 anon:portal-login retirees:200"),
    # Reaching retirees outside email (portal/outreach.py). The world's people have no phone: a
    # WhatsApp message is refused with a message, and a slip or WhatsApp of a code not issued likewise.
    "outreach:event_whatsapp": Row(pk("farewell"), S(ANY)),
    "outreach:whatsapp_send": Row(
        None,
        POST_ONLY,
        S("all:302~"),
        data=lambda w: {"what": "undangan", "pk": w.participant.pk},
    ),
    "outreach:sign_in_code_create": Row(pk("employee"), POST_ONLY, S(EDITORS)),
    "outreach:sign_in_code_slip": Row(pk("employee"), POST_ONLY, S("adm,opr:302~ ver,ben,pim:403")),
    "outreach:sign_in_code_whatsapp": Row(pk("employee"), POST_ONLY, S("adm,opr:302~ ver,ben,pim:403")),
    "outreach:sign_in_code_cancel": Row(pk("employee"), POST_ONLY, S(EDITORS_DONE)),
    # An heir's code: unit A's employee is alive, so issuing is refused with a message (back to the page).
    "outreach:heir_sign_in_code_create": Row(heir("spouse"), POST_ONLY, S("adm,opr:302~ ver,ben,pim:403")),
    "outreach:heir_sign_in_code_slip": Row(heir("spouse"), POST_ONLY, S("adm,opr:302~ ver,ben,pim:403")),
    "outreach:heir_sign_in_code_whatsapp": Row(heir("spouse"), POST_ONLY, S("adm,opr:302~ ver,ben,pim:403")),
    "outreach:heir_sign_in_code_cancel": Row(heir("spouse"), POST_ONLY, S(EDITORS_DONE)),
    "portal:sign_in": Row(None, "all:200 retirees:302", "all:200~ retirees:302"),
    "portal:sign_in_sent": Row(None, "all:200"),
    # Signing in with a one-time code: an empty POST shows the blank form again.
    "portal:sign_in_code": Row(None, "all:200 retirees:302", "all:200~ retirees:302"),
    "portal:sign_in_link": Row(None, "all:410", "all:410"),
    "portal:sign_out": Row(None, "all:405", "all:302"),
    "portal:certificate_download": Row(pk("certificate"), "all:403 anon:portal-login retiree:200 retiree2:404"),
    "portal:receipt_download": Row(pk("receipt"), "all:403 anon:portal-login retiree:200 retiree2:404"),
    # An empty correction request is refused with its form (400).
    "portal:family": Row(None, "all:403 anon:portal-login retirees:200", "all:403 anon:portal-login retirees:400"),
    # The rating form of an event the retiree took part in (a farewell, not a training: shown, refused).
    "portal:feedback": Row(
        pk("farewell"),
        "all:403 anon:portal-login retiree:200 retiree2:404",
        "all:403 anon:portal-login retiree:400~ retiree2:404",
    ),
    # The same form through the reminder's signed link, signed in or not (the invitation to a coming
    # training: shown, refused).
    "portal:feedback_link": Row(
        lambda w: {"pk": w.invitation.pk, "token": feedback_token_make(participant_pk=w.invitation.pk)},
        "all:200",
        "all:400~",
    ),
    "portal:family_correction": Row(pk("family_correction"), "all:403 anon:portal-login retiree:200 retiree2:404"),
    # The admin's own pages (its pages of each model: ADMIN_MODELS below). Retirees are not staff.
    "admin:index": Row(None, "staff:200 anon:admin-login retirees:admin-login"),
    "admin:login": Row(None, "staff:302 anon:200 retirees:200", "all:200~"),
    "admin:logout": Row(None, "staff:405 anon:admin-login retirees:302", "staff:302 anon:admin-login retirees:302"),
    "admin:password_change": Row(None, "staff:200 anon,retirees:admin-login", "staff:200~ anon,retirees:admin-login"),
    "admin:password_change_done": Row(None, "staff:200 anon,retirees:admin-login"),
    "admin:autocomplete": Row(None, "staff:403 anon,retirees:admin-login"),
    "admin:jsi18n": Row(None, "staff:200 anon,retirees:admin-login"),
    "admin:view_on_site": Row(
        lambda w: {"content_type_id": ct(w.employee), "object_id": w.employee.pk}, "staff:404 anon,retirees:admin-login"
    ),
    "admin:<path:object_id>/": Row(
        None, "all:302 anon:login retirees:admin-login", url=lambda w: f"/admin/employees/employee/{w.employee.pk}/"
    ),
    "admin:app_list": Row(lambda w: {"app_label": "employees"}, "staff:200 anon,retirees:admin-login"),
    "admin:(?P<url>.*)$": Row(None, "staff:404 anon,retirees:admin-login", url=lambda w: "/admin/tidak-ada/"),
    "admin:employees_employee_import": Row(
        None, U(EDITORS, "retirees:admin-login"), U(EDITORS, "retirees:admin-login")
    ),
    # Another staff account's password: superusers only (employees/admin_accounts.py); outside the units, 404.
    "admin:auth_user_password_change": Row(
        lambda w: {"id": w.users["opr@A"].pk},
        U("all:403", "adm@B:404 retirees:admin-login"),
        U("all:403", "adm@B:404 retirees:admin-login"),
    ),
    "admin:employees_retirementrule_simple_history": history_row("retirement_rule", scoped=False),
    "admin:employees_employee_simple_history": history_row("employee", scoped=True),
    "admin:employees_retirementcase_simple_history": history_row("case", scoped=True),
    "admin:employees_kindrule_simple_history": history_row("kind_rule", scoped=False),
    "admin:employees_disciplinepenalty_simple_history": history_row("discipline_penalty", scoped=True),
    "admin:ceremonies_event_simple_history": history_row("event", scoped=True),
    "admin:ceremonies_pensiontemplate_simple_history": history_row("pension_template", scoped=False),
    "admin:ceremonies_certificate_simple_history": history_row("certificate", scoped=True),
    "admin:ceremonies_attendance_simple_history": history_row("attendance", scoped=True),
    "admin:benefits_taliasihrate_simple_history": history_row("rate", scoped=False),
    "admin:ceremonies_instructor_simple_history": history_row("instructor", scoped=False),
    "admin:benefits_payout_simple_history": history_row("payout_draft", scoped=True),
    "admin:benefits_thtclaim_simple_history": history_row("tht_claim", scoped=True),
    "admin:employees_familycorrection_simple_history": history_row("family_correction", scoped=True),
}


# --- The admin: the pages of every registered model, by model -------------------------------------------


ADMIN_MODELS: dict[str, AdminModel] = {
    # Accounts and roles: the admins of the agency only (purna/roles.py gives ADMIN the auth app).
    # Roles themselves are changed by superusers only (purna/admin.py RoleAdmin); an admin manages the
    # accounts inside their own units (employees/admin_accounts.py), others' answer "does not exist".
    "auth.group": AdminModel(view="adm"),
    # Accounts are deactivated, never deleted (employees/accounts.py).
    "purna.user": AdminModel(
        view="adm",
        add="adm",
        change="adm",
        scoped=True,
        obj=lambda w: w.users["opr@A"],
        history_outside="302",
        overrides={("history", "GET"): "nounit:302"},
    ),
    # django-axes' records: no role holds their permissions (superusers only).
    "axes.accessattempt": AdminModel(view=""),
    "axes.accessfailurelog": AdminModel(view=""),
    "axes.accesslog": AdminModel(view=""),
    # Records written by the services only (RecordAdminMixin): shown, never added, changed or deleted.
    "benefits.payout": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.payout_paid),
    "ceremonies.certificate": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.certificate),
    "ceremonies.certificatebatch": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.certificate_batch),
    "ceremonies.attendance": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.attendance),
    "ceremonies.checkinoperation": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.checkin_operation),
    "benefits.taliasihrate": AdminModel(view=EVERY_ROLE, add="adm", change="adm", delete="adm", obj=lambda w: w.rate),
    "benefits.thtclaim": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", scoped=True, obj=lambda w: w.tht_claim
    ),
    "ceremonies.event": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", scoped=True, obj=lambda w: w.event
    ),
    "ceremonies.instructor": AdminModel(
        view=EVERY_ROLE,
        add="adm,opr",
        change="adm,opr",
        delete="adm,opr",
        obj=lambda w: w.session.instructor,
        protected=True,
    ),
    "ceremonies.official": AdminModel(view=EVERY_ROLE, add="adm,opr", change="adm,opr", delete="adm,opr"),
    "ceremonies.pensiontemplate": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", delete="adm,opr", obj=lambda w: w.pension_template
    ),
    # Schedules: the admins read them, superusers change them (a periodic task runs any task with any
    # arguments: purna/roles.py); task results: no role (superusers only).
    "django_celery_beat.clockedschedule": AdminModel(view="adm"),
    "django_celery_beat.crontabschedule": AdminModel(view="adm"),
    "django_celery_beat.intervalschedule": AdminModel(view="adm"),
    "django_celery_beat.periodictask": AdminModel(view="adm"),
    "django_celery_beat.solarschedule": AdminModel(view="adm"),
    # Second factors and their policy per role: superusers only (purna/two_factor/admin.py).
    "two_factor.rolepolicy": AdminModel(view=""),
    "two_factor.twofactoraccount": AdminModel(view=""),
    "two_factor.twofactorevent": AdminModel(view=""),
    "django_celery_results.groupresult": AdminModel(view=""),
    "django_celery_results.taskresult": AdminModel(view=""),
    "employees.documenttype": AdminModel(
        view=EVERY_ROLE,
        add="adm,opr",
        change="adm,opr",
        delete="adm,opr",
        obj=lambda w: w.document_type,
        protected=True,
    ),
    "employees.employee": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", scoped=True, obj=lambda w: w.employee
    ),
    # Correction requests: decided on the staff pages, shown in the admin as records.
    "employees.familycorrection": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.family_correction),
    "employees.retirementcase": AdminModel(view=EVERY_ROLE, change="adm,opr", scoped=True, obj=lambda w: w.case),
    "employees.kindrule": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", delete="adm,opr", obj=lambda w: w.kind_rule
    ),
    "employees.disciplinepenalty": AdminModel(
        view=EVERY_ROLE,
        add="adm,opr",
        change="adm,opr",
        delete="adm,opr",
        scoped=True,
        obj=lambda w: w.discipline_penalty,
    ),
    "employees.retirementrule": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", delete="adm,opr", obj=lambda w: w.retirement_rule
    ),
    "employees.unitkerja": AdminModel(
        view=EVERY_ROLE,
        add="adm,opr",
        change="adm,opr",
        delete="adm,opr",
        scoped=True,
        obj=lambda w: w.unit_a,
        protected=True,
    ),
    "notifications.message": AdminModel(
        view="adm,opr,pim",
        change="adm,opr",
        scoped=True,
        obj=lambda w: w.message,
        history_outside="302",
        # Every field is read-only: an empty POST saves the row as it is and goes back to the list.
        overrides={("change", "POST"): "opr@A:302"},
    ),
    "purna.instansi": AdminModel(view="adm", add="adm", change="adm"),
}


# --- The walk --------------------------------------------------------------------------------------------


def admin_rows() -> dict[str, tuple[str, str, AdminModel]]:
    """`admin:<app>_<model>_<view>` -> (model label, view, its AdminModel row) for every registered model."""
    rows = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        for view in ADMIN_VIEWS:
            rows[f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"] = (
                label,
                view,
                ADMIN_MODELS.get(label),
            )
    return rows


def missing_rows() -> list[str]:
    admin_pages = admin_rows()
    missing = [name for name in url_names() if name not in TABLE and name not in admin_pages]
    missing += [f"{label} (ADMIN_MODELS)" for label, _view, row in admin_pages.values() if row is None]
    return sorted(set(missing))


def test_every_url_has_a_row():
    missing = missing_rows()

    assert not missing, "add a row for: " + ", ".join(missing)


def test_every_row_names_a_url():
    names = set(url_names())

    stale = [name for name in TABLE if name not in names]
    assert not stale, f"rows of URLs that are gone: {stale}"
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not set(ADMIN_MODELS) - registered, f"admin rows of models not registered: {set(ADMIN_MODELS) - registered}"


# --- Knocking ----------------------------------------------------------------------------------------------


def plan(world) -> list[Knock]:
    knocks = []
    for name, row in TABLE.items():
        url = row.url(world) if row.url else reverse(name, kwargs=row.args(world) if row.args else None)
        knocks.append(Knock(name, url, "GET", None, expect(row.get)))
        if row.post is not None:
            data = row.data(world) if callable(row.data) else row.data
            knocks.append(Knock(name, url, "POST", data or {}, expect(row.post)))
    for name, (label, view, row) in admin_rows().items():
        model = apps.get_model(label)
        if view in {"change", "delete", "history"}:
            obj = row.obj(world) if row.obj else model._base_manager.order_by("pk").first()
            if obj is None:
                continue
            url = reverse(name, args=[obj.pk])
        else:
            url = reverse(name)
        blind = view in {"changelist", "add"} or not row.scoped
        knocks.append(Knock(name, url, "GET", None, admin_expected(view, row, "GET"), blind))
        if view in {"add", "change", "delete"}:
            data = {"post": "yes"} if view == "delete" else {}
            knocks.append(Knock(name, url, "POST", data, admin_expected(view, row, "POST"), blind))
    return knocks


IDENTITY_GROUPS = {
    "anonymous": ["anon"],
    "unit-a": ROLE_IDENTITIES_A,
    "unit-b": ROLE_IDENTITIES_B,
    "no-unit": ["nounit"],
    "retirees": ["retiree", "retiree2"],
}


@pytest.mark.parametrize("group", IDENTITY_GROUPS)
def test_permission_matrix(db, group, monkeypatch, settings, private_media, tmp_path):
    assert not missing_rows(), "add a row for: " + ", ".join(missing_rows())
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"
    settings.PURNA_CERTIFICATE_PLACE = "Balikpapan"
    cache.clear()
    world = build_world(monkeypatch)
    knocks = plan(world)

    failures = []
    for identity in IDENTITY_GROUPS[group]:
        client = Client(raise_request_exception=False)
        user = world.users.get(identity)
        for item in knocks:
            if item.scope_blind and identity in ROLE_IDENTITIES_B:
                continue
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)
            cache.clear()  # rate limits (portal sign-in) must not answer for the permission
            expected = item.expected[identity]
            must_not_change = expected.endswith("~") or expected in REFUSED
            answer, changed = knock(client, item, must_not_change or connection.vendor == "postgresql")
            where = f"{item.method} {item.url} ({item.name}) as {identity}"
            if answer != expected.rstrip("~"):
                failures.append(f"{where}: {answer}, expected {expected}")
            writes_on_get = item.method == "GET" and item.name not in GET_WRITES
            if (must_not_change or answer in REFUSED or writes_on_get) and changed:
                failures.append(f"{where}: answered {answer} but the data changed")
            if changed is None:
                failures.append(f"{where}: answered {answer}, and the data could not be read after it")
    assert not failures, f"{len(failures)} answers differ from the table:\n" + "\n".join(failures)
