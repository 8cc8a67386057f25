from django.urls import path

from ceremonies import views

app_name = "ceremonies"
urlpatterns = [path("", views.EventListView.as_view(), name="list")]
