from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("employees/<int:pk>/", views.EmployeeDataView.as_view(), name="employee"),
    path("employees/<int:pk>/anonymise/", views.AnonymiseView.as_view(), name="anonymise"),
    path("retention/", views.RetentionView.as_view(), name="retention"),
]
