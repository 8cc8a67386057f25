from django.urls import path

from employees.views import register

app_name = "employees"
urlpatterns = [
    path("", register.EmployeeListView.as_view(), name="list"),
    path("<int:pk>/", register.EmployeeDetailView.as_view(), name="detail"),
    path("akan-purna-tugas/", register.EmployeeRetiringListView.as_view(), name="retiring"),
]
