"""The staff's home page and their own account's pages, at the site's root without a namespace: Django's
auth views and every template know them as "dashboard", "password_change" and "password_change_done"."""

from django.contrib.auth import views as auth_views
from django.urls import path

from portal import dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("akun/kata-sandi/", views.staff_account_page(views.PasswordChangeView.as_view()), name="password_change"),
    path(
        "akun/kata-sandi/selesai/",
        views.staff_account_page(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
]
