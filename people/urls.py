from django.urls import path

from . import views

app_name = "people"


def place_patterns(place: views.Place, segment: str):
    prefix = place.prefix
    return [
        path(f"{segment}/<int:pk>/", views.PeopleView.as_view(place=place), name=prefix),
        path(
            f"{segment}/<int:pk>/invite/",
            views.InviteView.as_view(place=place),
            name=f"{prefix}_invite",
        ),
        path(
            f"{segment}/<int:pk>/people/<int:user_pk>/",
            views.MemberView.as_view(place=place),
            name=f"{prefix}_member",
        ),
        path(
            f"{segment}/<int:pk>/people/<int:user_pk>/end/",
            views.MemberEndView.as_view(place=place),
            name=f"{prefix}_member_end",
        ),
        path(
            f"{segment}/<int:pk>/people/<int:user_pk>/two-factor-reset/",
            views.MemberTwoFactorResetView.as_view(place=place),
            name=f"{prefix}_member_two_factor",
        ),
    ]


urlpatterns = [
    *place_patterns(views.SCHOOL, "schools"),
    *place_patterns(views.COMPANY, "companies"),
    path(
        "invitations/<int:pk>/resend/",
        views.InvitationActionView.as_view(action="resend"),
        name="invitation_resend",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationActionView.as_view(action="revoke"),
        name="invitation_revoke",
    ),
    path("join/<str:token>/", views.AcceptView.as_view(), name="accept"),
    path("join/<str:token>/new-link/", views.RequestLinkView.as_view(), name="request_link"),
]
