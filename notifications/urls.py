from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("mark/", views.MarkView.as_view(), name="mark"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
]
