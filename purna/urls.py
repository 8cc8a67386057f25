"""The site's addresses. The ground imports no app: each app's pages are included by their dotted name."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from purna import pages

admin.site.site_header = _("Purna administration")
admin.site.site_title = "Purna"

urlpatterns = [
    # The staff's home page (the dashboard) and their own password (portal/dashboard.py).
    path("", include("portal.staff_urls")),
    path("healthz", pages.healthz, name="healthz"),
    path("instansi/logo", pages.instansi_logo, name="instansi_logo"),
    path("akun/masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    # The second step of a staff sign-in (purna/two_factor): the code, or enrolment of an authenticator app.
    path("akun/dua-faktor/", include("purna.two_factor.urls")),
    # The language switch is in every page's footer, the login page included: it needs no login.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The public page a certificate's QR code opens (ceremonies/views/certificates.py): no login.
    path("verifikasi/", include("ceremonies.verify_urls")),
    path("pegawai/", include("employees.urls")),
    path("acara/", include("ceremonies.urls")),
    path("tht-tali-asih/", include("benefits.urls")),
    path("kotak-keluar/", include("purna.notifications.urls")),
    # WhatsApp-ready messages and one-time sign-in codes (portal/outreach.py).
    path("jangkau/", include("portal.outreach_urls")),
    # Documents and exports made in the background (purna/generated.py): progress, status, file.
    path("dokumen/", include("purna.generated_urls")),
    # The retirees' own pages (portal/): sign in with a link sent by email.
    path("portal/", include("portal.urls")),
    # The system's status for superusers (purna/status): queues, failed tasks, outbox, beat, disks.
    path("status-sistem/", include("purna.status.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
