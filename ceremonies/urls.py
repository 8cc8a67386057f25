from django.urls import path

from ceremonies.views import certificates, checkin_offline, documents, feedback, instructors, invitations, pension
from ceremonies.views import events as views

app_name = "ceremonies"
urlpatterns = [
    # The pension proposal's papers (ceremonies/views/pension.py).
    path("usul-pensiun/", pension.papers_list, name="pension_papers"),
    path("usul-pensiun/dpcp.pdf", pension.dpcp_batch_pdf, name="pension_dpcp_batch"),
    path("usul-pensiun/berkas/<int:pk>/dpcp/", pension.dpcp_page, name="pension_dpcp"),
    path("usul-pensiun/berkas/<int:pk>/dpcp.pdf", pension.dpcp_pdf, name="pension_dpcp_pdf"),
    path("usul-pensiun/berkas/<int:pk>/dpcp.docx", pension.dpcp_docx, name="pension_dpcp_docx"),
    path("usul-pensiun/berkas/<int:pk>/alamat/", pension.address_after, name="pension_address_after"),
    path("usul-pensiun/berkas/<int:pk>/tanda-terima-sk/", pension.sk_receipt_page, name="pension_sk_receipt"),
    path("usul-pensiun/berkas/<int:pk>/tanda-terima-sk.pdf", pension.sk_receipt_pdf, name="pension_sk_receipt_pdf"),
    path("usul-pensiun/berkas/<int:pk>/tanda-terima-sk.docx", pension.sk_receipt_docx, name="pension_sk_receipt_docx"),
    path("usul-pensiun/pengantar/", pension.cover_letter_create, name="pension_cover_letter_create"),
    path("usul-pensiun/pengantar/<int:pk>/", pension.cover_letter_page, name="pension_cover_letter"),
    path("usul-pensiun/pengantar/<int:pk>.pdf", pension.cover_letter_pdf, name="pension_cover_letter_pdf"),
    path("usul-pensiun/pengantar/<int:pk>.docx", pension.cover_letter_docx, name="pension_cover_letter_docx"),
    path("", views.EventListView.as_view(), name="list"),
    path("tambah/", views.EventFormView.as_view(), name="create"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    # Instructors of trainings (reference data of the whole agency).
    path("instruktur/", instructors.InstructorListView.as_view(), name="instructors"),
    path("instruktur/tambah/", instructors.InstructorFormView.as_view(), name="instructor_create"),
    path("instruktur/<int:pk>/ubah/", instructors.InstructorFormView.as_view(), name="instructor_update"),
    path("<int:pk>/ubah/", views.EventFormView.as_view(), name="update"),
    path("<int:pk>/status/<str:to_status>/", views.event_transition_view, name="transition"),
    path("<int:pk>/agenda/tambah/", views.SessionFormView.as_view(), name="session_create"),
    path("<int:pk>/agenda/<int:session_pk>/ubah/", views.SessionFormView.as_view(), name="session_update"),
    path("<int:pk>/agenda/<int:session_pk>/hapus/", views.session_delete_view, name="session_delete"),
    path("<int:pk>/peserta/pilih/", views.cohort_view, name="cohort"),
    # The check-in page for the day, and what the QR code on an invitation opens.
    path("<int:pk>/hadir/", views.checkin_view, name="checkin"),
    path("<int:pk>/hadir/semua/", views.check_in_all_view, name="checkin_all"),
    path("<int:pk>/hadir/semua/batal/", views.check_in_all_undo_view, name="checkin_all_undo"),
    # The offline check-in: the list a phone keeps, the sync of its queue, the service worker (scope /acara/).
    path("<int:pk>/hadir/data/", checkin_offline.checkin_data_view, name="checkin_data"),
    path("<int:pk>/hadir/sinkron/", checkin_offline.checkin_sync_view, name="checkin_sync"),
    path("hadir-sw.js", checkin_offline.checkin_service_worker_view, name="checkin_service_worker"),
    path("<int:pk>/hadir/<str:code>/", views.checkin_code_view, name="checkin_code"),
    path("peserta/<int:pk>/", views.participant_view, name="participant"),
    path("peserta/<int:pk>/ubah/", views.CompanionFormView.as_view(), name="participant_update"),
    path("peserta/<int:pk>/hapus/", views.participant_remove_view, name="participant_remove"),
    path("peserta/<int:pk>/hadir/", views.participant_check_in_view, name="participant_check_in"),
    path("peserta/<int:pk>/kenang-kenangan/", views.souvenir_view, name="souvenir"),
    # Taking back a wrong tap, with a reason, on the event's day.
    path("peserta/<int:pk>/hadir/batal/", views.participant_check_in_undo_view, name="participant_check_in_undo"),
    path("peserta/<int:pk>/kenang-kenangan/batal/", views.souvenir_undo_view, name="souvenir_undo"),
    # Documents: attendance sheet, participant list, report, invitation letters.
    path("<int:pk>/daftar-hadir.pdf", documents.attendance_pdf, name="attendance_pdf"),
    path("<int:pk>/peserta.xlsx", documents.participants_xlsx, name="participants_xlsx"),
    path("<int:pk>/laporan.pdf", documents.report_pdf, name="report_pdf"),
    path("<int:pk>/surat-undangan.pdf", documents.letters_pdf, name="letters_pdf"),
    # Training feedback: the organisers' summary and its workbook.
    path("<int:pk>/penilaian/", feedback.feedback_summary_view, name="feedback_summary"),
    path("<int:pk>/penilaian.xlsx", feedback.feedback_xlsx, name="feedback_xlsx"),
    # Invitations: the public answer page (a signed link, no login) and the staff's send button.
    path("undangan/<int:pk>/<str:token>/", invitations.rsvp, name="rsvp"),
    path("<int:pk>/undangan/kirim/", invitations.invitations_send_view, name="invitations_send"),
    # Certificates: issue (a batch printed by Celery), its progress, the list, downloads, revoke, re-issue.
    path("<int:pk>/sertifikat/", certificates.certificate_list_view, name="certificates"),
    path("<int:pk>/sertifikat/terbitkan/", certificates.certificates_issue_view, name="certificates_issue"),
    path("<int:pk>/sertifikat/cetak.pdf", certificates.certificates_print_view, name="certificates_print"),
    path("<int:pk>/sertifikat/semua.zip", certificates.certificates_zip_view, name="certificates_zip"),
    path("sertifikat/proses/<int:pk>/", certificates.certificate_batch_view, name="certificate_batch"),
    path(
        "sertifikat/proses/<int:pk>/kemajuan/",
        certificates.certificate_batch_progress_view,
        name="certificate_batch_progress",
    ),
    path(
        "sertifikat/proses/<int:pk>/ulangi/", certificates.certificate_batch_retry_view, name="certificate_batch_retry"
    ),
    path("sertifikat/<int:pk>.pdf", certificates.certificate_pdf_view, name="certificate_pdf"),
    path("sertifikat/<int:pk>/cabut/", certificates.certificate_revoke_view, name="certificate_revoke"),
    path("sertifikat/<int:pk>/terbitkan-ulang/", certificates.certificate_reissue_view, name="certificate_reissue"),
]
