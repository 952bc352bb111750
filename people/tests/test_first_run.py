"""First run of a real installation: `create_school` and a demo seed that refuses to mix
its known-password logins into real data."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import SchoolMembership, SchoolRole, User
from people.models import Invitation
from schools.models import School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def create_school(**options):
    out = io.StringIO()
    arguments = {
        "name": "Erhvervsskolen Nord",
        "short_name": "EUC Nord",
        "leader_email": "leder@eucnord.dk",
        "leader_first_name": "Hanne",
        "leader_last_name": "Skov",
        **options,
    }
    call_command("create_school", stdout=out, **arguments)
    return out.getvalue()


def test_create_school_makes_the_school_and_invites_its_leader_who_can_start(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        output = create_school()
    school = School.objects.get(short_name="EUC Nord")
    invitation = Invitation.objects.get()
    assert (invitation.school, invitation.role, invitation.invited_by) == (
        school,
        SchoolRole.LEADER,
        None,
    )
    (message,) = mail.outbox
    assert message.to == ["leder@eucnord.dk"]
    printed = re.search(r"/people/join/([^/\s]+)/", output).group(1)
    assert printed in message.body
    # No demo data came with it.
    assert School.objects.count() == 1 and not User.objects.exists()
    password = "Skolestart-2027!"
    response = Client().post(
        reverse("people:accept", args=[printed]),
        {"first_name": "Hanne", "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 302
    leader = User.objects.get(email="leder@eucnord.dk")
    assert SchoolMembership.objects.filter(user=leader, school=school, role="leader").exists()


def test_create_school_refuses_a_school_that_exists_and_bad_addresses():
    create_school()
    with pytest.raises(CommandError, match="exists already"):
        create_school(leader_email="other@eucnord.dk")
    with pytest.raises(CommandError, match="not an e-mail"):
        create_school(name="Ny skole", short_name="Ny", leader_email="not-an-address")
    assert School.objects.count() == 1


def test_seed_demo_refuses_a_database_with_real_schools():
    SchoolFactory(name="Rigtig Skole")
    with pytest.raises(CommandError, match="not demo data"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
