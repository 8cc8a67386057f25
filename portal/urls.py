from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.sign_in, name="sign_in"),
    path("masuk/terkirim/", views.sign_in_sent, name="sign_in_sent"),
    path("masuk/kode/", views.sign_in_code, name="sign_in_code"),
    path("masuk/tautan/", views.sign_in_link, name="sign_in_link"),
    path("keluar/", views.sign_out, name="sign_out"),
    path("keluarga/", views.family, name="family"),
    path("keluarga/koreksi/<int:pk>/", views.family_correction_detail, name="family_correction"),
    path("sertifikat/<int:pk>/unduh/", views.certificate_download, name="certificate_download"),
    path("penilaian/<int:pk>/", views.training_feedback, name="feedback"),
    path("penilaian/tautan/<int:pk>/<str:token>/", views.training_feedback_link, name="feedback_link"),
    path("kuitansi/<int:pk>/unduh/", views.receipt_download, name="receipt_download"),
]
