"""The dashboards count from plain school filters (`dashboard_scope`); within the schools
a user's dashboard shows, these must be exactly what the general scopes let them see."""

import pytest

from access import (
    course_blocks_for,
    dashboard_schools,
    dashboard_scope,
    of_schools,
    partnerships_for,
)
from accounts.models import SchoolMembership, SchoolRole, User
from companies.models import Company
from demo.seed import seed_demo
from schools.models import AmuCourse
from tests.factories import CourseBlockFactory, PartnershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("username", ["tovholder", "tovholder2", "leder", "konsulent", "admin"])
def test_the_dashboard_scope_is_the_general_scope_within_the_dashboard_schools(username):
    seed_demo()
    user = User.objects.get(username=username)
    # Rows the dashboard must not count: another school's, and a block the user teaches
    # elsewhere (the general scope shows it, but not on this school's dashboard).
    elsewhere = SchoolFactory()
    PartnershipFactory(lead_school=elsewhere, company=Company.objects.first())
    # The demo's own course and company: factory-made ones could repeat a demo FKB code,
    # AMU number or CVR.
    CourseBlockFactory(school=elsewhere, course=AmuCourse.objects.first()).teachers.add(user)
    schools, _own_only = dashboard_schools(user)
    assert schools.exists()
    partnerships, blocks = dashboard_scope(user)
    for school in schools:
        assert ids(blocks.filter(school=school)) == ids(
            course_blocks_for(user).filter(school=school)
        )
        assert ids(partnerships.filter(of_schools([school.pk]))) == ids(
            partnerships_for(user).filter(of_schools([school.pk]))
        )
    if not user.is_superuser:
        assert not ids(blocks.filter(school=elsewhere))
        assert not ids(partnerships.filter(of_schools([elsewhere.pk])))


def test_a_teacher_only_has_no_dashboard_rows():
    seed_demo()
    teacher = User.objects.get(username="underviser")
    assert set(SchoolMembership.objects.filter(user=teacher).values_list("role", flat=True)) == {
        SchoolRole.TEACHER
    }
    partnerships, blocks = dashboard_scope(teacher)
    assert not partnerships.exists() and not blocks.exists()
