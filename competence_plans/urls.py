from django.urls import path

from . import views

app_name = "competence_plans"

urlpatterns = [
    path("new/<int:partnership_pk>/", views.PlanCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PlanUpdateView.as_view(), name="update"),
    path("<int:pk>/staff/", views.StaffMatrixView.as_view(), name="staff_matrix"),
    path("<int:pk>/goals/new/", views.GoalCreateView.as_view(), name="goal_create"),
    path(
        "<int:pk>/goals/<int:goal_pk>/delete/", views.GoalDeleteView.as_view(), name="goal_delete"
    ),
    path(
        "<int:pk>/goals/<int:goal_pk>/courses/",
        views.GoalCoursesView.as_view(),
        name="goal_courses",
    ),
    path("<int:pk>/renewals/", views.RenewalView.as_view(), name="renewal"),
    path("<int:pk>/activities/new/", views.ActivityFormView.as_view(), name="activity_create"),
    path(
        "<int:pk>/activities/<int:activity_pk>/edit/",
        views.ActivityFormView.as_view(),
        name="activity_update",
    ),
    path(
        "<int:pk>/activities/<int:activity_pk>/action/",
        views.ActivityActionView.as_view(),
        name="activity_action",
    ),
    path("<int:pk>/transition/", views.PlanTransitionView.as_view(), name="transition"),
    path("<int:pk>/comment/", views.PlanCommentView.as_view(), name="comment"),
    path("<int:pk>/new-version/", views.PlanNewVersionView.as_view(), name="new_version"),
]
