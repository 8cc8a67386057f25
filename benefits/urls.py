from django.urls import include, path

from benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.TaliAsihRateListView.as_view(), name="list"),
    path("", include("benefits.urls_documents")),
]
