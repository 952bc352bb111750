from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.SchoolDashboardView.as_view(), name="school"),
    path("network/", views.NetworkView.as_view(), name="network"),
    path("blocks/", views.BlockListView.as_view(), name="blocks"),
    path("company/<int:pk>/", views.CompanyDashboardView.as_view(), name="company"),
]
