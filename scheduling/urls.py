from django.urls import path

from . import proposal_views, views

app_name = "scheduling"

# Under /schools/, where these pages have always been.
urlpatterns = [
    path("week-plan/", views.WeekPlanView.as_view(), name="week_plan"),
    path("calendar/", views.CalendarFeedsView.as_view(), name="calendar_feeds"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("conflicts/", views.ConflictsView.as_view(), name="conflicts"),
    path("closed-periods/", views.ClosuresView.as_view(), name="closures"),
    path("qualifications/", views.QualificationsView.as_view(), name="qualifications"),
    path("blocks/new/", views.BlockFormView.as_view(), name="block_create"),
    path("blocks/export/", views.HandOffView.as_view(), name="hand_off"),
    path("blocks/<int:pk>/", views.BlockDetailView.as_view(), name="block_detail"),
    path("blocks/<int:pk>/edit/", views.BlockFormView.as_view(), name="block_update"),
    path("blocks/<int:pk>/enroll/", views.BlockEnrollView.as_view(), name="block_enroll"),
    path("blocks/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("blocks/<int:pk>/reservations/", views.ReservationView.as_view(), name="reservation"),
    path(
        "blocks/<int:pk>/enrollments/<int:enrollment_pk>/cancel/",
        views.EnrollmentCancelView.as_view(),
        name="enrollment_cancel",
    ),
    path(
        "blocks/<int:pk>/enrollments/<int:enrollment_pk>/move/",
        views.EnrollmentMoveView.as_view(),
        name="enrollment_move",
    ),
    # The planner that proposes a plan's blocks.
    path(
        "plans/<int:pk>/proposals/new/",
        proposal_views.ProposalRequestView.as_view(),
        name="proposal_request",
    ),
    path(
        "plans/<int:pk>/proposals/<int:proposal_pk>/",
        proposal_views.ProposalView.as_view(),
        name="proposal",
    ),
    path(
        "plans/<int:pk>/proposals/<int:proposal_pk>/status/",
        proposal_views.ProposalStatusView.as_view(),
        name="proposal_status",
    ),
    path(
        "plans/<int:pk>/proposals/<int:proposal_pk>/accept/",
        proposal_views.ProposalAcceptView.as_view(),
        name="proposal_accept",
    ),
    path(
        "plans/<int:pk>/proposals/<int:proposal_pk>/pin/",
        proposal_views.ProposalPinView.as_view(),
        name="proposal_pin",
    ),
    path(
        "plans/<int:pk>/proposals/<int:proposal_pk>/discard/",
        proposal_views.ProposalDiscardView.as_view(),
        name="proposal_discard",
    ),
]
