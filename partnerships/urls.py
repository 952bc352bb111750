from django.urls import path

from . import meeting_views, views

app_name = "partnerships"

urlpatterns = [
    path("", views.PartnershipListView.as_view(), name="list"),
    path("new/", views.PartnershipCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PartnershipDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PartnershipUpdateView.as_view(), name="update"),
    path("<int:pk>/transition/", views.PartnershipTransitionView.as_view(), name="transition"),
    path("<int:pk>/hand-over/", views.PartnershipHandOverView.as_view(), name="hand_over"),
    path("meetings/", meeting_views.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", meeting_views.MeetingFormView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", meeting_views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_views.MeetingFormView.as_view(), name="meeting_update"),
    path(
        "meetings/<int:pk>/cancel/",
        meeting_views.MeetingCancelView.as_view(),
        name="meeting_cancel",
    ),
    path(
        "meetings/<int:pk>/meeting.ics", meeting_views.MeetingIcsView.as_view(), name="meeting_ics"
    ),
    path(
        "meetings/<int:pk>/actions/",
        meeting_views.ActionItemCreateView.as_view(),
        name="action_item_create",
    ),
    path(
        "actions/<int:pk>/done/",
        meeting_views.ActionItemDoneView.as_view(),
        name="action_item_done",
    ),
    path("experiences/", meeting_views.ExperienceListView.as_view(), name="experiences"),
    path("experiences/new/", meeting_views.ExperienceFormView.as_view(), name="experience_create"),
    path(
        "experiences/<int:pk>/",
        meeting_views.ExperienceDetailView.as_view(),
        name="experience_detail",
    ),
    path(
        "experiences/<int:pk>/edit/",
        meeting_views.ExperienceFormView.as_view(),
        name="experience_update",
    ),
]
