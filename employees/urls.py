from django.urls import path

from employees.views import bkn_answers, cases, family, kinds, projection, register, siasn, transfer

app_name = "employees"
urlpatterns = [
    path("", register.EmployeeListView.as_view(), name="list"),
    path("<int:pk>/", register.EmployeeDetailView.as_view(), name="detail"),
    path("tambah/", register.EmployeeCreateView.as_view(), name="create"),
    path("<int:pk>/ubah/", register.EmployeeUpdateView.as_view(), name="update"),
    path("proyeksi/", projection.projection_view, name="projection"),
    path("proyeksi/cetak/", projection.projection_print, name="projection_print"),
    path("proyeksi/xlsx/", projection.projection_xlsx, name="projection_xlsx"),
    path("akan-purna-tugas/", cases.EmployeeRetiringListView.as_view(), name="retiring"),
    path("<int:pk>/berkas/buka/", cases.RetirementCaseOpenView.as_view(), name="case_open"),
    path("berkas/<int:pk>/", cases.RetirementCaseDetailView.as_view(), name="case_detail"),
    path("berkas/<int:pk>/jenis/", kinds.RetirementCaseKindFactsView.as_view(), name="case_kind_facts"),
    path(
        "berkas/<int:pk>/koreksi-pertek/", cases.RetirementCasePertekCorrectView.as_view(), name="case_pertek_correct"
    ),
    path(
        "berkas/<int:pk>/status/<str:to_status>/", cases.RetirementCaseTransitionView.as_view(), name="case_transition"
    ),
    path("berkas/<int:pk>/dokumen/<int:type_pk>/", cases.CaseDocumentUploadView.as_view(), name="case_document_upload"),
    path("berkas/dokumen/<int:pk>/", cases.case_document_download, name="case_document"),
    path("berkas/dokumen/<int:pk>/hapus/", cases.case_document_delete_view, name="case_document_delete"),
    # BKN's BTL and TMS answers (employees/views/bkn_answers.py).
    path("berkas/jawaban-bkn/", bkn_answers.bkn_answers_view, name="bkn_answers"),
    path("berkas/jawaban-bkn/xlsx/", bkn_answers.bkn_answers_xlsx, name="bkn_answers_xlsx"),
    # The family (employees/views/family.py).
    path("<int:employee_pk>/keluarga/<str:kind>/tambah/", family.FamilyMemberFormView.as_view(), name="family_add"),
    path("keluarga/<str:kind>/<int:pk>/ubah/", family.FamilyMemberFormView.as_view(), name="family_update"),
    path("keluarga/<str:kind>/<int:pk>/hapus/", family.FamilyMemberRemoveView.as_view(), name="family_remove"),
    path("impor-keluarga/", family.FamilyImportView.as_view(), name="family_import"),
    path("koreksi-keluarga/", family.FamilyCorrectionListView.as_view(), name="family_corrections"),
    path(
        "koreksi-keluarga/<int:pk>/<str:decision>/",
        family.FamilyCorrectionDecideView.as_view(),
        name="family_correction_decide",
    ),
    # SIASN's pension list compared with the records (employees/views/siasn.py).
    path("berkas/siasn/", siasn.SiasnReconciliationCreateView.as_view(), name="siasn_create"),
    path("berkas/siasn/<int:pk>/", siasn.SiasnReconciliationDetailView.as_view(), name="siasn_detail"),
    path("berkas/siasn/<int:pk>/terapkan/", siasn.SiasnReconciliationApplyView.as_view(), name="siasn_apply"),
    # Spreadsheets in and out (employees/views/transfer.py).
    path("impor/", transfer.ImportJobCreateView.as_view(), name="import_create"),
    path("impor/<int:pk>/", transfer.ImportJobDetailView.as_view(), name="import_detail"),
    path("impor/<int:pk>/impor-sekarang/", transfer.ImportJobFromDryRunView.as_view(), name="import_from_dry_run"),
    path("impor/<int:pk>/progres/", transfer.ImportJobProgressView.as_view(), name="import_progress"),
    path("impor/templat.<str:fmt>", transfer.ImportTemplateView.as_view(), name="import_template"),
    path("ekspor.<str:fmt>", transfer.EmployeeExportView.as_view(), name="export"),
]
