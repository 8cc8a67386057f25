from django.urls import include, path

from ceremonies import views

app_name = "ceremonies"
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("", include("ceremonies.urls_invitations")),
]
