from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("new/<str:kind>/<int:pk>/", views.ReportStartView.as_view(), name="start"),
    path("<uuid:pk>/", views.ReportStatusView.as_view(), name="status"),
    path("<uuid:pk>/status.json", views.ReportStatusJsonView.as_view(), name="status_json"),
    path("<uuid:pk>/download/", views.ReportDownloadView.as_view(), name="download"),
]
