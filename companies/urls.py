from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("", views.CompanyListView.as_view(), name="list"),
    path("new/", views.CompanyCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CompanyDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CompanyUpdateView.as_view(), name="update"),
    path("<int:pk>/blackout-weeks/", views.BlackoutWeekView.as_view(), name="blackout_weeks"),
    path("<int:pk>/contacts/new/", views.ContactFormView.as_view(), name="contact_create"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/edit/",
        views.ContactFormView.as_view(),
        name="contact_update",
    ),
    path(
        "<int:pk>/contacts/<int:contact_pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
    path("<int:pk>/groups/new/", views.GroupFormView.as_view(), name="group_create"),
    path(
        "<int:pk>/groups/<int:group_pk>/edit/", views.GroupFormView.as_view(), name="group_update"
    ),
    path("<int:pk>/employees/", views.EmployeeListView.as_view(), name="employees"),
    path("<int:pk>/employees/new/", views.EmployeeFormView.as_view(), name="employee_create"),
    path(
        "<int:pk>/employees/<int:employee_pk>/edit/",
        views.EmployeeFormView.as_view(),
        name="employee_update",
    ),
    path(
        "<int:pk>/employees/<int:employee_pk>/active/",
        views.EmployeeSetActiveView.as_view(),
        name="employee_set_active",
    ),
    path("<int:pk>/employees/import/", views.EmployeeImportView.as_view(), name="employee_import"),
    path(
        "<int:pk>/employees/export.csv", views.EmployeeExportView.as_view(), name="employee_export"
    ),
    path(
        "<int:pk>/certificates/import/",
        views.CertificateImportView.as_view(),
        name="certificate_import",
    ),
]
