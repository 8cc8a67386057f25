from django.urls import path

from purna.status import views

app_name = "status"

urlpatterns = [
    path("", views.system_status_view, name="system"),
]
