"""Every role sees exactly its own: scope (404) and capability (403) per persona.

Two schools (a, b) and two companies (a, b); see the `world` and `tenants` fixtures.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import DetailView

import access
from access import Capability, can, require
from access.mixins import ScopedObjectMixin, get_for_user_or_404
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db

PERSONAS = [
    "coordinator",
    "leader",
    "teacher",
    "consultant",
    "other_coordinator",
    "other_leader",
    "hr",
    "other_hr",
    "nobody",
    "admin",
]
# persona -> which side's objects it sees, per scope function ("ab" both, "" none)
SCOPES = {
    "partnerships_for": {
        "coordinator": "a",
        "leader": "a",
        "teacher": "",
        "consultant": "a",
        "other_coordinator": "b",
        "other_leader": "b",
        "hr": "a",
        "other_hr": "b",
        "nobody": "",
        "admin": "ab",
    },
    "employees_for": {
        # consultants need no personal data; the teacher sees only their participant
        "coordinator": "a",
        "leader": "a",
        "teacher": "a",
        "consultant": "",
        "other_coordinator": "b",
        "other_leader": "b",
        "hr": "a",
        "other_hr": "b",
        "nobody": "",
        "admin": "ab",
    },
    "course_blocks_for": {
        "coordinator": "a",
        "leader": "a",
        "teacher": "a",
        "consultant": "a",
        "other_coordinator": "b",
        "other_leader": "b",
        "hr": "a",
        "other_hr": "b",
        "nobody": "",
        "admin": "ab",
    },
}
SAME_AS_PARTNERSHIPS = {
    "plans_for": "plan",
    "companies_for": "company",
}


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_partnerships_plans_and_companies_follow_the_partnership(tenants, persona):
    sides = SCOPES["partnerships_for"][persona]
    user = tenants[persona]
    expected = {tenants[f"partnership_{s}"].pk for s in sides}
    assert ids(access.partnerships_for(user)) == expected
    for function, key in SAME_AS_PARTNERSHIPS.items():
        expected = {tenants[f"{key}_{s}"].pk for s in sides}
        if key == "plan" and "a" in sides:
            expected.add(tenants["approved_plan_a"].pk)  # partnership A's second plan
        assert ids(getattr(access, function)(user)) == expected, function


@pytest.mark.parametrize("persona", PERSONAS)
def test_proposals_are_seen_by_the_staff_of_their_school_who_see_the_plan(tenants, persona):
    seen = ids(access.schedule_proposals_for(tenants[persona]))
    expected = persona in ("coordinator", "leader", "consultant", "admin")
    assert seen == ({tenants["proposal_a"].pk} if expected else set())
    # Acting on one is the coordinator's (and an administrator's) alone.
    may = access.can(tenants[persona], access.Capability.EDIT, tenants["proposal_a"])
    assert may == (persona in ("coordinator", "admin"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_employees_are_seen_only_by_those_who_work_with_them(tenants, persona):
    sides = SCOPES["employees_for"][persona]
    expected = set()
    for side in sides:
        expected.add(tenants[f"employee_{side}"].pk)
        if persona != "teacher":  # a teacher sees participants, not the whole staff
            expected.add(tenants[f"bystander_{side}"].pk)
    assert ids(access.employees_for(tenants[persona])) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_course_blocks_by_school_teacher_and_company(tenants, persona):
    sides = SCOPES["course_blocks_for"][persona]
    expected = {tenants[f"block_{s}"].pk for s in sides}
    assert ids(access.course_blocks_for(tenants[persona])) == expected


MEETINGS = {
    # partnership meetings follow the partnership; forums the school's staff;
    # the network meeting every school's staff; company users only their partnership's
    "coordinator": {"meeting_a", "forum_a", "network_meeting"},
    "leader": {"meeting_a", "forum_a", "network_meeting"},
    "teacher": {"forum_a", "network_meeting"},
    "consultant": {"meeting_a", "forum_a", "network_meeting"},
    "other_coordinator": {"meeting_b", "forum_b", "network_meeting"},
    "other_leader": {"meeting_b", "forum_b", "network_meeting"},
    "hr": {"meeting_a"},
    "other_hr": {"meeting_b"},
    "nobody": set(),
    "admin": {"meeting_a", "meeting_b", "forum_a", "forum_b", "network_meeting"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_meetings_scope(tenants, persona):
    expected = {tenants[name].pk for name in MEETINGS[persona]}
    assert ids(access.meetings_for(tenants[persona])) == expected


def test_company_user_sees_a_network_meeting_they_take_part_in(tenants):
    tenants["network_meeting"].participants.add(tenants["hr"])
    assert tenants["network_meeting"].pk in ids(access.meetings_for(tenants["hr"]))


EXPERIENCES = {
    "coordinator": {"experience_a", "network_experience"},
    "leader": {"experience_a", "network_experience"},
    "teacher": {"experience_a", "network_experience"},
    "consultant": {"experience_a", "network_experience"},
    "other_coordinator": {"experience_b", "network_experience"},
    "other_leader": {"experience_b", "network_experience"},
    "hr": set(),
    "other_hr": set(),
    "nobody": set(),
    "admin": {"experience_a", "experience_b", "network_experience"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_experiences_scope(tenants, persona):
    expected = {tenants[name].pk for name in EXPERIENCES[persona]}
    assert ids(access.experiences_for(tenants[persona])) == expected


def test_deactivated_user_sees_nothing(tenants):
    user = tenants["coordinator"]
    user.is_active = False
    user.save()
    for function in [
        "partnerships_for",
        "plans_for",
        "companies_for",
        "employees_for",
        "course_blocks_for",
        "meetings_for",
        "experiences_for",
    ]:
        assert not getattr(access, function)(user).exists(), function
    assert not can(user, Capability.VIEW, tenants["partnership_a"])


# (persona, capability, object key, allowed)
CAPABILITIES = [
    ("coordinator", Capability.EDIT, "partnership_a", True),
    ("coordinator", Capability.EDIT, "partnership_b", False),
    ("other_coordinator", Capability.EDIT, "partnership_a", False),
    ("leader", Capability.VIEW, "partnership_a", True),
    ("leader", Capability.EDIT, "partnership_a", False),
    ("leader", Capability.APPROVE_AGREEMENT, "partnership_a", True),
    ("leader", Capability.APPROVE_AGREEMENT, "partnership_b", False),
    ("coordinator", Capability.APPROVE_AGREEMENT, "partnership_a", False),
    ("hr", Capability.VIEW, "partnership_a", True),
    ("hr", Capability.DOWNLOAD, "plan_a", True),
    ("hr", Capability.EDIT, "partnership_a", False),
    ("hr", Capability.APPROVE_PLAN, "plan_a", True),
    ("hr", Capability.APPROVE_PLAN, "plan_b", False),
    ("other_hr", Capability.DOWNLOAD, "plan_a", False),
    ("coordinator", Capability.APPROVE_PLAN, "plan_a", False),
    ("coordinator", Capability.EDIT, "plan_a", True),
    ("hr", Capability.MANAGE_EMPLOYEES, "company_a", True),
    ("hr", Capability.MANAGE_EMPLOYEES, "company_b", False),
    ("coordinator", Capability.MANAGE_EMPLOYEES, "company_a", True),
    ("leader", Capability.MANAGE_EMPLOYEES, "company_a", False),
    ("coordinator", Capability.SCHEDULE_BLOCKS, "block_a", True),
    ("coordinator", Capability.SCHEDULE_BLOCKS, "school_a", True),
    ("teacher", Capability.VIEW, "block_a", True),
    ("teacher", Capability.SCHEDULE_BLOCKS, "block_a", False),
    ("hr", Capability.SCHEDULE_BLOCKS, "block_a", False),
    ("leader", Capability.MANAGE_CATALOGUE, "school_a", True),
    ("coordinator", Capability.MANAGE_CATALOGUE, "school_a", False),
    ("consultant", Capability.EDIT, "network_meeting", True),
    ("coordinator", Capability.EDIT, "network_meeting", False),
    ("coordinator", Capability.EDIT, "meeting_a", True),
    ("hr", Capability.EDIT, "meeting_a", False),
    ("consultant", Capability.EDIT, "experience_a", True),
    ("coordinator", Capability.EDIT, "experience_a", True),  # the author
    ("leader", Capability.EDIT, "experience_a", False),
    ("admin", Capability.APPROVE_PLAN, "plan_b", True),
    # "Coordinator or leader of the lead school": hand-over, status and evaluation reports.
    ("coordinator", Capability.HAND_OVER, "partnership_a", True),
    ("leader", Capability.HAND_OVER, "partnership_a", True),
    ("other_leader", Capability.HAND_OVER, "partnership_a", False),
    ("other_coordinator", Capability.HAND_OVER, "partnership_a", False),
    ("consultant", Capability.HAND_OVER, "partnership_a", False),
    ("hr", Capability.HAND_OVER, "partnership_a", False),
    ("coordinator", Capability.MANAGE_PARTNERSHIP, "plan_a", True),
    ("leader", Capability.MANAGE_PARTNERSHIP, "partnership_a", True),
    ("teacher", Capability.MANAGE_PARTNERSHIP, "partnership_a", False),
    ("hr", Capability.MANAGE_PARTNERSHIP, "partnership_a", False),
    # Personal data and the company overview are the company's own.
    ("hr", Capability.VIEW_EMPLOYEES, "company_a", True),
    ("coordinator", Capability.VIEW_EMPLOYEES, "company_a", True),
    ("leader", Capability.VIEW_EMPLOYEES, "company_a", True),
    ("consultant", Capability.VIEW_EMPLOYEES, "company_a", False),
    ("teacher", Capability.VIEW_EMPLOYEES, "company_a", False),
    ("other_hr", Capability.VIEW_EMPLOYEES, "company_a", False),
    ("other_leader", Capability.VIEW_EMPLOYEES, "company_a", False),
    ("hr", Capability.HANDLE_PERSONAL_DATA, "company_a", True),
    ("hr", Capability.HANDLE_PERSONAL_DATA, "company_b", False),
    ("coordinator", Capability.HANDLE_PERSONAL_DATA, "company_a", False),
    ("hr", Capability.VIEW_COMPANY_DASHBOARD, "company_a", True),
    ("hr", Capability.VIEW_COMPANY_DASHBOARD, "company_b", False),
    ("coordinator", Capability.VIEW_COMPANY_DASHBOARD, "company_a", False),
    # Attendance: the block's teachers and its school's coordinators.
    ("teacher", Capability.RECORD_ATTENDANCE, "block_a", True),
    ("teacher", Capability.RECORD_ATTENDANCE, "block_b", False),
    ("coordinator", Capability.RECORD_ATTENDANCE, "block_a", True),
    ("coordinator", Capability.RECORD_ATTENDANCE, "block_b", False),
    ("leader", Capability.RECORD_ATTENDANCE, "block_a", False),
    ("hr", Capability.RECORD_ATTENDANCE, "block_a", False),
]


@pytest.mark.parametrize(("persona", "capability", "key", "allowed"), CAPABILITIES)
def test_capabilities(tenants, persona, capability, key, allowed):
    assert can(tenants[persona], capability, tenants[key]) is allowed


def test_a_manager_reads_but_does_not_act_for_the_company(tenants):
    from accounts.models import CompanyRole
    from tests.factories import CompanyMembershipFactory

    company = tenants["company_a"]
    manager = CompanyMembershipFactory(company=company, role=CompanyRole.MANAGER).user
    assert can(manager, Capability.VIEW, tenants["partnership_a"])
    assert can(manager, Capability.VIEW_COMPANY_DASHBOARD, company)
    assert can(manager, Capability.VIEW_EMPLOYEES, company)
    assert not can(manager, Capability.HANDLE_PERSONAL_DATA, company)
    assert not can(manager, Capability.APPROVE_PLAN, tenants["plan_a"])
    assert not can(manager, Capability.MANAGE_EMPLOYEES, company)
    assert not can(manager, Capability.VIEW_COMPANY_DASHBOARD, tenants["company_b"])


def test_a_joining_schools_leader_reads_but_does_not_lead(tenants):
    """A school that joins a partnership (not its lead school): its leader sees the
    partnership and its employees, but neither approves nor hands over."""
    from accounts.models import SchoolRole
    from tests.factories import SchoolFactory, SchoolMembershipFactory

    joining = SchoolFactory()
    tenants["partnership_a"].other_schools.add(joining)
    leader = SchoolMembershipFactory(school=joining, role=SchoolRole.LEADER).user
    partnership = tenants["partnership_a"]
    assert access.partnerships_for(leader).filter(pk=partnership.pk).exists()
    assert can(leader, Capability.VIEW_EMPLOYEES, tenants["company_a"])
    assert not can(leader, Capability.APPROVE_AGREEMENT, partnership)
    assert not can(leader, Capability.HAND_OVER, partnership)
    assert not can(leader, Capability.MANAGE_PARTNERSHIP, partnership)


def test_employees_are_seen_by_the_lead_and_joining_schools_leaders_only(tenants):
    """Through the partnership's schools, not the registering school, and not by an id
    that happens to equal another row's."""
    from accounts.models import SchoolRole
    from tests.factories import (
        CompanyFactory,
        PartnershipFactory,
        SchoolFactory,
        SchoolMembershipFactory,
    )

    SchoolFactory.create_batch(4)  # school ids apart from partnership ids
    lead, joining, bystander = SchoolFactory(), SchoolFactory(), SchoolFactory()
    company = CompanyFactory(registered_by=None)
    partnership = PartnershipFactory(
        company=company, lead_school=lead, coordinator=tenants["other_coordinator"]
    )
    partnership.other_schools.add(joining)
    assert partnership.pk not in (lead.pk, joining.pk)

    def leader_of(school):
        return SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user

    assert can(leader_of(lead), Capability.VIEW_EMPLOYEES, company)
    assert can(leader_of(joining), Capability.VIEW_EMPLOYEES, company)
    assert not can(leader_of(bystander), Capability.VIEW_EMPLOYEES, company)
    teacher = SchoolMembershipFactory(school=lead, role=SchoolRole.TEACHER).user
    assert not can(teacher, Capability.VIEW_EMPLOYEES, company)


def test_school_people_are_the_active_holders_of_those_roles_at_that_school(tenants):
    from accounts.models import SchoolRole

    school = tenants["school_a"]
    assert list(access.school_people(school.pk, SchoolRole.COORDINATOR)) == [tenants["coordinator"]]
    assert set(access.school_people(school.pk, SchoolRole.COORDINATOR, SchoolRole.LEADER)) == {
        tenants["coordinator"],
        tenants["leader"],
    }
    tenants["coordinator"].is_active = False
    tenants["coordinator"].save()
    assert not access.school_people(school.pk, SchoolRole.COORDINATOR).exists()


def test_registering_schools_are_where_the_user_coordinates_or_leads(tenants):
    school_a = tenants["school_a"]
    assert list(access.registering_schools(tenants["coordinator"])) == [school_a]
    assert list(access.registering_schools(tenants["leader"])) == [school_a]
    for persona in ("teacher", "consultant", "hr", "nobody"):
        assert not access.registering_schools(tenants[persona]).exists(), persona
    assert access.registering_schools(tenants["admin"]).count() == 2


def test_coordinated_partnerships_are_the_users_own(tenants):
    assert list(access.coordinated_partnerships(tenants["coordinator"])) == [
        tenants["partnership_a"]
    ]
    # The leader sees the partnership but does not coordinate it.
    assert not access.coordinated_partnerships(tenants["leader"]).exists()
    assert access.coordinated_partnerships(tenants["admin"]).count() == 2


def test_an_inactive_user_may_do_nothing_even_as_coordinator(tenants):
    coordinator = tenants["coordinator"]
    coordinator.is_active = False
    assert not can(coordinator, Capability.EDIT, tenants["partnership_a"])
    assert not can(coordinator, Capability.HAND_OVER, tenants["partnership_a"])


def test_an_object_without_rules_is_a_programming_error(tenants):
    with pytest.raises(TypeError):
        can(tenants["coordinator"], Capability.VIEW, tenants["employee_a"])


def test_network_and_catalogue_management_helpers(tenants):
    assert access.can_manage_network(tenants["consultant"])
    assert not access.can_manage_network(tenants["coordinator"])
    assert access.can_manage_catalogue(tenants["leader"])
    assert not access.can_manage_catalogue(tenants["hr"])
    for school_staff in ("coordinator", "teacher", "consultant"):
        assert not access.can_manage_catalogue(tenants[school_staff]), school_staff


def test_roles_pick_the_schools_and_companies_of_a_role(tenants):
    from accounts.models import CompanyRole, SchoolRole
    from tests.factories import SchoolMembershipFactory

    leader = tenants["leader"]
    SchoolMembershipFactory(user=leader, school=tenants["school_b"], role=SchoolRole.TEACHER)
    roles = access.roles_of(leader)
    assert roles.schools(SchoolRole.LEADER) == [tenants["school_a"]]
    assert roles.school_ids(SchoolRole.TEACHER) == [tenants["school_b"].pk]
    assert roles.schools(SchoolRole.CONSULTANT) == []
    assert access.roles_of(tenants["hr"]).company_ids(CompanyRole.HR) == [tenants["company_a"].pk]
    assert access.roles_of(tenants["hr"]).company_ids(CompanyRole.MANAGER) == []


def test_require_raises_403_with_a_translated_reason(tenants):
    with pytest.raises(PermissionDenied) as error:
        require(tenants["hr"], Capability.EDIT, tenants["partnership_a"])
    assert "redigere" in str(error.value)  # Danish is the default language


def test_get_for_user_or_404_answers_404_outside_scope_and_403_without_capability(tenants):
    pk = tenants["partnership_a"].pk
    with pytest.raises(Http404):
        get_for_user_or_404(access.partnerships_for, tenants["other_hr"], pk=pk)
    with pytest.raises(PermissionDenied):
        get_for_user_or_404(access.partnerships_for, tenants["hr"], Capability.EDIT, pk=pk)
    found = get_for_user_or_404(
        access.partnerships_for, tenants["coordinator"], Capability.EDIT, pk=pk
    )
    assert found == tenants["partnership_a"]


class PartnershipEditProbe(ScopedObjectMixin, DetailView):
    """A view built the intended way, to prove the mixin's answers."""

    model = Partnership
    scope = staticmethod(access.partnerships_for)
    capability = Capability.EDIT
    template_name = "home/home.html"

    def render_to_response(self, context, **kwargs):
        from django.http import HttpResponse

        return HttpResponse("ok")


@pytest.mark.parametrize(
    ("persona", "outcome"),
    [("coordinator", 200), ("leader", 403), ("hr", 403), ("other_hr", 404), ("nobody", 404)],
)
def test_scoped_object_mixin(rf, tenants, persona, outcome):
    request = rf.get("/")
    request.user = tenants[persona]
    view = PartnershipEditProbe.as_view()
    pk = tenants["partnership_a"].pk
    if outcome == 200:
        assert view(request, pk=pk).status_code == 200
    elif outcome == 403:
        with pytest.raises(PermissionDenied):
            view(request, pk=pk)
    else:
        with pytest.raises(Http404):
            view(request, pk=pk)


def test_company_people_see_a_block_held_at_their_company_before_anyone_is_on_it(tenants):
    from tests.factories import CourseBlockFactory

    at_company = CourseBlockFactory(school=tenants["school_b"], company=tenants["company_a"])
    assert at_company.pk in ids(access.course_blocks_for(tenants["hr"]))
    assert at_company.pk not in ids(access.course_blocks_for(tenants["other_hr"]))


def test_the_coordinator_of_a_partnership_sees_it_and_its_people_without_school_membership(
    tenants,
):
    """A partnership handed to a coordinator of another school (or whose membership there
    ended) stays theirs to run: the coordinator rule does not depend on the school."""
    from tests.factories import UserFactory

    outsider = UserFactory()  # no school or company role at all
    partnership = tenants["partnership_b"]
    partnership.coordinator = outsider
    partnership.save()
    assert ids(access.partnerships_for(outsider)) == {partnership.pk}
    assert tenants["employee_b"].pk in ids(access.employees_for(outsider))
    assert tenants["employee_a"].pk not in ids(access.employees_for(outsider))


def test_a_partnership_meeting_follows_its_partnership_not_the_schools_it_names(tenants):
    """Only meetings without a partnership (forums, seminars) are seen through their
    schools; another school's partnership meeting that names school a stays theirs."""
    meeting = tenants["meeting_b"]
    meeting.schools.add(tenants["school_a"])
    assert meeting.pk not in ids(access.meetings_for(tenants["teacher"]))
    assert meeting.pk not in ids(access.meetings_for(tenants["coordinator"]))
