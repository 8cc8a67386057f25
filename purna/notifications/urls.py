from django.urls import path

from purna.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.MessageListView.as_view(), name="list"),
    path("<int:pk>/", views.MessageDetailView.as_view(), name="detail"),
    path("<int:pk>/html/", views.message_html_view, name="html"),
    path("<int:pk>/kirim-ulang/", views.message_retry_view, name="retry"),
    path("<int:pk>/batalkan/", views.message_cancel_view, name="cancel"),
]
