from django.urls import path

from ceremonies import views_documents

# Included by ceremonies/urls.py, so the names live in the "ceremonies" namespace.
urlpatterns = [
    path("<int:pk>/daftar-hadir.pdf", views_documents.attendance_pdf, name="attendance_pdf"),
    path("<int:pk>/peserta.xlsx", views_documents.participants_xlsx, name="participants_xlsx"),
    path("<int:pk>/laporan.pdf", views_documents.report_pdf, name="report_pdf"),
    path("<int:pk>/surat-undangan.pdf", views_documents.letters_pdf, name="letters_pdf"),
]
