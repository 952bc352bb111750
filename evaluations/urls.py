from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("answer/<str:token>/", views.AnswerView.as_view(), name="answer"),
    path("thanks/", views.ThanksView.as_view(), name="thanks"),
    path("blocks/<int:pk>/", views.BlockResultsView.as_view(), name="block"),
    path("blocks/<int:pk>/sheet/", views.SheetView.as_view(), name="sheet"),
    path("plans/<int:pk>/", views.PlanResultsView.as_view(), name="plan"),
    path("partnerships/<int:pk>/", views.PartnershipResultsView.as_view(), name="partnership"),
    path(
        "partnerships/<int:pk>/conclusion/",
        views.ConclusionView.as_view(),
        name="conclusion",
    ),
    path("schools/<int:pk>/", views.SchoolResultsView.as_view(), name="school"),
    path(
        "schools/<int:pk>/questionnaires/",
        views.QuestionnaireListView.as_view(),
        name="questionnaires",
    ),
    path(
        "schools/<int:pk>/questionnaires/<str:kind>/",
        views.QuestionnaireEditView.as_view(),
        name="questionnaire_edit",
    ),
]
