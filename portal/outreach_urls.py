"""Staff pages that reach retirees outside email (portal/outreach.py): WhatsApp and sign-in codes."""

from django.urls import path

from portal import outreach as views

app_name = "outreach"
urlpatterns = [
    path("acara/<int:pk>/whatsapp/", views.event_whatsapp, name="event_whatsapp"),
    path("whatsapp/", views.whatsapp_send, name="whatsapp_send"),
    path("pegawai/<int:pk>/kode-masuk/", views.sign_in_code_create, name="sign_in_code_create"),
    path("pegawai/<int:pk>/kode-masuk/whatsapp/", views.sign_in_code_whatsapp, name="sign_in_code_whatsapp"),
    path("pegawai/<int:pk>/kode-masuk/slip/", views.sign_in_code_slip, name="sign_in_code_slip"),
    path("pegawai/<int:pk>/kode-masuk/cabut/", views.sign_in_code_cancel, name="sign_in_code_cancel"),
    # An heir's code (kind: pasangan or anak) for the portal of an employee who died.
    path(
        "pegawai/<int:pk>/ahli-waris/<str:kind>/<int:heir_pk>/kode-masuk/",
        views.sign_in_code_create,
        name="heir_sign_in_code_create",
    ),
    path(
        "pegawai/<int:pk>/ahli-waris/<str:kind>/<int:heir_pk>/kode-masuk/whatsapp/",
        views.sign_in_code_whatsapp,
        name="heir_sign_in_code_whatsapp",
    ),
    path(
        "pegawai/<int:pk>/ahli-waris/<str:kind>/<int:heir_pk>/kode-masuk/slip/",
        views.sign_in_code_slip,
        name="heir_sign_in_code_slip",
    ),
    path(
        "pegawai/<int:pk>/ahli-waris/<str:kind>/<int:heir_pk>/kode-masuk/cabut/",
        views.sign_in_code_cancel,
        name="heir_sign_in_code_cancel",
    ),
]
