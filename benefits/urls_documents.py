"""The benefits' documents (benefits/views_documents.py), included by benefits/urls.py."""

from django.urls import path

from benefits import views_documents

urlpatterns = [
    path("pembayaran/<int:pk>/kuitansi.pdf", views_documents.receipt_pdf, name="receipt_pdf"),
    path("pembayaran/<int:pk>/kuitansi/terbitkan/", views_documents.receipt_issue, name="receipt_issue"),
    path("pembayaran/<int:pk>/kuitansi/status/", views_documents.receipt_status, name="receipt_status"),
    path("rekap.xlsx", views_documents.recap_xlsx, name="recap_xlsx"),
    path("rekap.pdf", views_documents.recap_pdf, name="recap_pdf"),
]
