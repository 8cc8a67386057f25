from django.urls import path

from benefits import views

app_name = "benefits"
urlpatterns = [path("", views.TaliAsihSchemeListView.as_view(), name="list")]
