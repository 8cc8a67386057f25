"""The public page a certificate's QR code opens (no login), at the site's root without a namespace: the
address is printed on every certificate already issued, so it never changes ("/verifikasi/<code>/")."""

from django.urls import path

from ceremonies.views.certificates import certificate_verify_view

urlpatterns = [
    path("<str:code>/", certificate_verify_view, name="certificate_verify"),
]
