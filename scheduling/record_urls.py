"""Employees' competence records, under /companies/ beside the employee list."""

from django.urls import path

from . import record_views as views

app_name = "records"

urlpatterns = [
    path(
        "<int:pk>/employees/<int:employee_pk>/",
        views.EmployeeRecordView.as_view(),
        name="employee",
    ),
    path(
        "<int:pk>/employees/<int:employee_pk>/certificates/<int:certificate_pk>/remove/",
        views.CertificateRemoveView.as_view(),
        name="certificate_remove",
    ),
    path("<int:pk>/certificates/", views.ExpiringCertificatesView.as_view(), name="expiring"),
]
