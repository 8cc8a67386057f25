from django.urls import path

from purna import generated_views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/", generated_views.document_page, name="page"),
    path("<int:pk>/status/", generated_views.document_status, name="status"),
    path("<int:pk>/unduh/", generated_views.document_file, name="file"),
    path("<int:pk>/ulangi/", generated_views.document_retry, name="retry"),
]
