"""The invitation URLs, included by ceremonies/urls.py under /acara/."""

from django.urls import path

from ceremonies import views_invitations

urlpatterns = [
    path("undangan/<int:pk>/<str:token>/", views_invitations.rsvp, name="rsvp"),
    path("<int:pk>/undangan/kirim/", views_invitations.invitations_send_view, name="invitations_send"),
]
