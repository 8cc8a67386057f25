from django.urls import path

from purna.two_factor import views

app_name = "two_factor"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("daftar/", views.enrol, name="enrol"),
    path("kode-cadangan/", views.recovery_codes, name="recovery_codes"),
]
