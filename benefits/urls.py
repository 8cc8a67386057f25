from django.urls import path

from benefits.views import documents, rates
from benefits.views import payouts as views

app_name = "benefits"
urlpatterns = [
    path("", views.TaliAsihRateListView.as_view(), name="list"),
    path("tarif/tambah/", rates.rate_form_view, name="rate_create"),
    path("tarif/<int:pk>/ubah/", rates.rate_form_view, name="rate_update"),
    path("pembayaran/", views.PayoutListView.as_view(), name="payouts"),
    path("pembayaran/verifikasi/", views.payouts_verify_view, name="payouts_verify"),
    path("pembayaran/setujui/", views.payouts_approve_view, name="payouts_approve"),
    path("pembayaran/<int:pk>/", views.payout_detail_view, name="payout_detail"),
    path("pembayaran/<int:pk>/verifikasi/", views.payout_verify_view, name="payout_verify"),
    path("pembayaran/<int:pk>/setujui/", views.payout_approve_view, name="payout_approve"),
    path("pembayaran/<int:pk>/bayar/", views.payout_pay_view, name="payout_pay"),
    path("pembayaran/<int:pk>/ubah-jumlah/", views.payout_override_view, name="payout_override"),
    path("pembayaran/<int:pk>/batalkan/", views.payout_cancel_view, name="payout_cancel"),
    path("pembayaran/<int:pk>/koreksi/", views.payout_reverse_view, name="payout_reverse"),
    path("pembayaran/<int:pk>/bukti/", views.payout_proof_view, name="payout_proof"),
    path("pembayaran/<int:pk>/ahli-waris/", views.payout_payee_view, name="payout_payee"),
    path("pembayaran/<int:pk>/ahli-waris/hapus/", views.payout_payee_clear_view, name="payout_payee_clear"),
    path("pembayaran/<int:pk>/ahli-waris/surat/", views.payout_heir_statement_view, name="payout_heir_statement"),
    path("siapkan/", views.prepare_view, name="prepare"),
    path("siapkan/pratinjau.xlsx", views.prepare_preview_xlsx, name="prepare_preview_xlsx"),
    path("siapkan/<int:pk>/", views.batch_detail_view, name="batch_detail"),
    path("siapkan/<int:pk>/progres/", views.batch_progress_view, name="batch_progress"),
    path("tht/", views.ThtListView.as_view(), name="tht"),
    path("tht/impor/", views.tht_import_view, name="tht_import"),
    path("tht/impor/templat.csv", views.tht_template_view, name="tht_template"),
    path("tht/<int:employee_pk>/", views.tht_edit_view, name="tht_edit"),
    path("acara/<int:pk>/serah-terima/", views.handover_view, name="handover"),
    path("acara/<int:pk>/serah-terima/<int:payout_pk>/", views.handover_pay_view, name="handover_pay"),
    path("acara/<int:pk>/serah-terima/<int:payout_pk>/batal/", views.handover_undo_view, name="handover_undo"),
    # Receipts (kuitansi) and recaps.
    path("pembayaran/<int:pk>/kuitansi.pdf", documents.receipt_pdf, name="receipt_pdf"),
    path("pembayaran/<int:pk>/kuitansi/terbitkan/", documents.receipt_issue, name="receipt_issue"),
    path("pembayaran/<int:pk>/kuitansi/status/", documents.receipt_status, name="receipt_status"),
    path("rekap.xlsx", documents.recap_xlsx, name="recap_xlsx"),
    path("rekap.pdf", documents.recap_pdf, name="recap_pdf"),
]
