"""Who may see what, and who may do what: the one access layer.

Scope: every page looks objects up through a ``*_for(user)`` queryset, so an object
outside the user's scope does not exist for them (404). Each is a single query,
whatever the user's roles (memberships are subqueries).

Capability: inside scope, ``can(user, capability, obj)`` decides whether the user may
act (otherwise 403). ``require`` raises PermissionDenied. Rules, from DOMAIN.md:

- coordinators edit the partnerships they coordinate and everything under them,
  read their school's partnerships, catalogue and week plan, schedule blocks there;
- school leaders read everything of their school and approve agreements;
- teachers see the blocks they teach and those blocks' participants;
- consultants read across the schools they serve and run network meetings and the
  experience log, but see no employees (they do not need personal data);
- company HR see and act on their own company only, approve its plans and manage
  its employees; managers read their company's partnerships and plans;
- people: a school's leaders invite and manage its leaders, coordinators and teachers
  (consultants, who serve the network, only the network's administrators); those who
  edit a company (its HR, its coordinators) invite and manage its HR and managers;
- superusers administer everything.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import CompanyMembership, CompanyRole, SchoolMembership, SchoolRole, User
from companies.models import Company, Employee
from competence_plans.models import CompetencePlan, PlanActivity
from partnerships.models import Experience, Meeting, Partnership
from people.models import Invitation
from scheduling.models import CourseBlock
from schools.models import AmuCourse, School

# School roles that read the partnerships of their school.
PARTNERSHIP_READING_SCHOOL_ROLES = (
    SchoolRole.LEADER,
    SchoolRole.COORDINATOR,
    SchoolRole.CONSULTANT,
)
# School roles that may see the employees of their school's partner companies.
EMPLOYEE_READING_SCHOOL_ROLES = (SchoolRole.LEADER, SchoolRole.COORDINATOR)


class Capability:
    """What a user may do with an object they can see."""

    VIEW = "view"
    EDIT = "edit"
    APPROVE_AGREEMENT = "approve_agreement"
    APPROVE_PLAN = "approve_plan"
    SCHEDULE_BLOCKS = "schedule_blocks"
    MANAGE_EMPLOYEES = "manage_employees"
    MANAGE_CATALOGUE = "manage_catalogue"
    MANAGE_NETWORK = "manage_network"
    DOWNLOAD = "download"
    PRINT_EVALUATION_SHEETS = "print_evaluation_sheets"
    MANAGE_QUESTIONNAIRES = "manage_questionnaires"
    MANAGE_PEOPLE = "manage_people"

    LABELS = {
        VIEW: _("view"),
        EDIT: _("edit"),
        APPROVE_AGREEMENT: _("approve the agreement"),
        APPROVE_PLAN: _("approve the plan"),
        SCHEDULE_BLOCKS: _("schedule course blocks"),
        MANAGE_EMPLOYEES: _("manage employees"),
        MANAGE_CATALOGUE: _("manage the AMU catalogue"),
        MANAGE_NETWORK: _("manage network meetings and experiences"),
        DOWNLOAD: _("download"),
        PRINT_EVALUATION_SHEETS: _("print evaluation sheets"),
        MANAGE_QUESTIONNAIRES: _("edit the school's questionnaires"),
        MANAGE_PEOPLE: _("invite people and manage their access"),
    }


@dataclass
class Roles:
    """The memberships of one user, loaded once per request (two queries)."""

    school_memberships: list[SchoolMembership] = field(default_factory=list)
    company_memberships: list[CompanyMembership] = field(default_factory=list)

    def schools(self, *roles: str) -> list:
        return [m.school for m in self.school_memberships if m.role in roles]

    def has_school_role(self, role: str) -> bool:
        return any(m.role == role for m in self.school_memberships)

    @property
    def all_companies(self) -> list:
        # One entry per company even when the user is both HR and manager there.
        return list({m.company_id: m.company for m in self.company_memberships}.values())

    @property
    def is_empty(self) -> bool:
        return not (self.school_memberships or self.company_memberships)


def roles_of(user) -> Roles:
    if not user.is_authenticated:
        return Roles()
    return Roles(
        school_memberships=list(
            SchoolMembership.objects.filter(user=user)
            .select_related("school")
            .order_by("school__name", "role")
        ),
        company_memberships=list(
            CompanyMembership.objects.filter(user=user)
            .select_related("company")
            .order_by("company__name", "role")
        ),
    )


# --- scope: querysets ------------------------------------------------------------


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def _school_ids(user, roles=PARTNERSHIP_READING_SCHOOL_ROLES):
    return SchoolMembership.objects.filter(user=user, role__in=roles).values("school_id")


def _company_ids(user, roles=(CompanyRole.HR, CompanyRole.MANAGER)):
    return CompanyMembership.objects.filter(user=user, role__in=roles).values("company_id")


def _distinct(model, visible: QuerySet) -> QuerySet:
    # A pk subquery rather than .distinct(): joins through M2M tables repeat rows.
    return model.objects.filter(pk__in=visible.values("pk"))


def partnerships_for(user) -> QuerySet[Partnership]:
    if not _active(user):
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    school_ids = _school_ids(user)
    return _distinct(
        Partnership,
        Partnership.objects.filter(
            Q(coordinator=user)
            | Q(lead_school__in=school_ids)
            | Q(other_schools__in=school_ids)
            | Q(company__in=_company_ids(user))
        ),
    )


def plans_for(user) -> QuerySet[CompetencePlan]:
    return CompetencePlan.objects.filter(partnership__in=partnerships_for(user))


def plan_activities_for(user) -> QuerySet[PlanActivity]:
    return PlanActivity.objects.filter(plan__partnership__in=partnerships_for(user))


def companies_for(user) -> QuerySet[Company]:
    """A company is visible through a partnership the user sees, or a membership."""
    if not _active(user):
        return Company.objects.none()
    if user.is_superuser:
        return Company.objects.all()
    return Company.objects.filter(
        Q(pk__in=partnerships_for(user).values("company_id"))
        | Q(pk__in=_company_ids(user))
        # A prospect registered by the user's school, before any partnership exists.
        | Q(registered_by__in=_school_ids(user))
    )


def employees_for(user) -> QuerySet[Employee]:
    """Personal data: only those who work with the employees see them."""
    if not _active(user):
        return Employee.objects.none()
    if user.is_superuser:
        return Employee.objects.all()
    school_ids = _school_ids(user, EMPLOYEE_READING_SCHOOL_ROLES)
    school_partner_companies = Partnership.objects.filter(
        Q(coordinator=user) | Q(lead_school__in=school_ids) | Q(other_schools__in=school_ids)
    ).values("company_id")
    return _distinct(
        Employee,
        Employee.objects.filter(
            Q(company__in=_company_ids(user))
            | Q(company__in=school_partner_companies)
            | Q(enrollments__course_block__teachers=user)
        ),
    )


def course_blocks_for(user) -> QuerySet[CourseBlock]:
    """School staff read their school's week plan; teachers the blocks they teach;
    company users the blocks their employees attend or that run at their company."""
    if not _active(user):
        return CourseBlock.objects.none()
    if user.is_superuser:
        return CourseBlock.objects.all()
    company_ids = _company_ids(user)
    return _distinct(
        CourseBlock,
        CourseBlock.objects.filter(
            Q(school__in=_school_ids(user))
            | Q(teachers=user)
            | Q(company__in=company_ids)
            | Q(enrollments__employee__company__in=company_ids)
        ),
    )


def meetings_for(user) -> QuerySet[Meeting]:
    """Partnership meetings follow the partnership; forums and seminars are for the
    staff of the schools taking part; participants always see their meetings."""
    if not _active(user):
        return Meeting.objects.none()
    if user.is_superuser:
        return Meeting.objects.all()
    any_school_role = SchoolMembership.objects.filter(user=user).values("school_id")
    return _distinct(
        Meeting,
        Meeting.objects.filter(
            Q(partnership__in=partnerships_for(user))
            | Q(partnership__isnull=True, schools__in=any_school_role)
            | Q(participants=user)
            | Q(organiser=user)
        ),
    )


def experiences_for(user) -> QuerySet[Experience]:
    """Lessons learned are internal to the schools: 'school' visibility for the staff
    of that school, 'network' for the staff of every school."""
    if not _active(user):
        return Experience.objects.none()
    if user.is_superuser:
        return Experience.objects.all()
    any_school_role = SchoolMembership.objects.filter(user=user).values("school_id")
    is_school_staff = SchoolMembership.objects.filter(user=user).exists()
    network = Q(visibility=Experience.Visibility.NETWORK) if is_school_staff else Q(pk__in=[])
    return Experience.objects.filter(network | Q(school__in=any_school_role) | Q(author=user))


def schools_for(user) -> QuerySet[School]:
    if not _active(user):
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(
        pk__in=SchoolMembership.objects.filter(user=user).values("school_id")
    )


def amu_courses_for(user) -> QuerySet[AmuCourse]:
    """The catalogue is national and public; school staff and admins browse it."""
    if not _active(user):
        return AmuCourse.objects.none()
    if user.is_superuser or SchoolMembership.objects.filter(user=user).exists():
        return AmuCourse.objects.all()
    return AmuCourse.objects.none()


# --- capability: may this user do this to that? ------------------------------------


def _has_school_role(user, school_ids, *roles) -> bool:
    return SchoolMembership.objects.filter(
        user=user, school_id__in=school_ids, role__in=roles
    ).exists()


def _has_company_role(user, company_id, *roles) -> bool:
    return CompanyMembership.objects.filter(
        user=user, company_id=company_id, role__in=roles
    ).exists()


def _partnership_school_ids(partnership: Partnership) -> list[int]:
    return [partnership.lead_school_id, *partnership.other_schools.values_list("pk", flat=True)]


def _partnership_capability(user, capability: str, partnership: Partnership) -> bool:
    if capability in (Capability.VIEW, Capability.DOWNLOAD):
        return partnerships_for(user).filter(pk=partnership.pk).exists()
    if capability == Capability.EDIT:
        return partnership.coordinator_id == user.pk
    if capability == Capability.APPROVE_AGREEMENT:
        return _has_school_role(user, [partnership.lead_school_id], SchoolRole.LEADER)
    if capability == Capability.SCHEDULE_BLOCKS:
        return partnership.coordinator_id == user.pk
    return False


def _plan_capability(user, capability: str, plan: CompetencePlan) -> bool:
    if capability == Capability.APPROVE_PLAN:
        return _has_company_role(user, plan.partnership.company_id, CompanyRole.HR)
    return _partnership_capability(user, capability, plan.partnership)


def _company_capability(user, capability: str, company: Company) -> bool:
    if capability == Capability.VIEW:
        return companies_for(user).filter(pk=company.pk).exists()
    if capability in (Capability.EDIT, Capability.MANAGE_EMPLOYEES, Capability.MANAGE_PEOPLE):
        return (
            _has_company_role(user, company.pk, CompanyRole.HR)
            or Partnership.objects.filter(company=company, coordinator=user).exists()
            or (
                company.registered_by_id is not None
                and _has_school_role(user, [company.registered_by_id], SchoolRole.COORDINATOR)
            )
        )
    return False


def _block_capability(user, capability: str, block: CourseBlock) -> bool:
    if capability == Capability.VIEW:
        return course_blocks_for(user).filter(pk=block.pk).exists()
    if capability in (Capability.EDIT, Capability.SCHEDULE_BLOCKS):
        return _has_school_role(user, [block.school_id], SchoolRole.COORDINATOR)
    if capability == Capability.PRINT_EVALUATION_SHEETS:
        return (
            _has_school_role(user, [block.school_id], SchoolRole.COORDINATOR)
            or block.teachers.filter(pk=user.pk).exists()
        )
    return False


def _school_capability(user, capability: str, school: School) -> bool:
    if capability == Capability.VIEW:
        return _has_school_role(user, [school.pk], *SchoolRole.values)
    if capability == Capability.SCHEDULE_BLOCKS:
        return _has_school_role(user, [school.pk], SchoolRole.COORDINATOR)
    if capability in (
        Capability.MANAGE_CATALOGUE,
        Capability.MANAGE_QUESTIONNAIRES,
        Capability.MANAGE_PEOPLE,
    ):
        return _has_school_role(user, [school.pk], SchoolRole.LEADER)
    return False


def _meeting_capability(user, capability: str, meeting: Meeting) -> bool:
    if capability == Capability.VIEW:
        return meetings_for(user).filter(pk=meeting.pk).exists()
    if capability == Capability.EDIT:
        if meeting.partnership_id:
            return meeting.partnership.coordinator_id == user.pk or meeting.organiser_id == user.pk
        return meeting.organiser_id == user.pk or is_consultant(user)
    return False


def _experience_capability(user, capability: str, experience: Experience) -> bool:
    if capability == Capability.VIEW:
        return experiences_for(user).filter(pk=experience.pk).exists()
    if capability == Capability.EDIT:
        return experience.author_id == user.pk or is_consultant(user)
    return False


def can_view_employees(user, company: Company) -> bool:
    """Personal data: HR and managers of the company, its schools' coordinators and
    leaders (through a partnership or as the registering school), superusers."""
    if not _active(user):
        return False
    if user.is_superuser or _has_company_role(user, company.pk, *CompanyRole.values):
        return True
    school_ids = list(
        Partnership.objects.filter(company=company).values_list("lead_school_id", flat=True)
    ) + list(
        Partnership.other_schools.through.objects.filter(partnership__company=company).values_list(
            "school_id", flat=True
        )
    )
    if company.registered_by_id:
        school_ids.append(company.registered_by_id)
    return (
        _has_school_role(user, school_ids, *EMPLOYEE_READING_SCHOOL_ROLES)
        or Partnership.objects.filter(company=company, coordinator=user).exists()
    )


def personal_data_companies(user) -> QuerySet[Company]:
    """Companies whose employees' personal data the user may export and anonymise: their
    own company as HR; every company for a superuser."""
    if not _active(user):
        return Company.objects.none()
    if user.is_superuser:
        return Company.objects.all()
    return Company.objects.filter(pk__in=_company_ids(user, roles=(CompanyRole.HR,)))


def evaluation_company_ids(user, school_ids: list[int]) -> list[int] | None:
    """Whose evaluation answers a user may see in figures about these schools' blocks:
    everyone's (None) for superusers and the schools' staff; otherwise only the answers
    of their own companies' employees."""
    if (
        user.is_superuser
        or SchoolMembership.objects.filter(user=user, school_id__in=school_ids).exists()
    ):
        return None
    return list(_company_ids(user).values_list("company_id", flat=True))


def is_consultant(user) -> bool:
    return SchoolMembership.objects.filter(user=user, role=SchoolRole.CONSULTANT).exists()


def can_manage_network(user) -> bool:
    """Create network meetings and curate the experience log."""
    return _active(user) and (user.is_superuser or is_consultant(user))


def registering_schools(user) -> QuerySet[School]:
    """Schools on whose behalf the user may add companies and start partnerships."""
    if not _active(user):
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(
        pk__in=_school_ids(user, (SchoolRole.COORDINATOR, SchoolRole.LEADER))
    )


def can_manage_catalogue(user) -> bool:
    return _active(user) and (
        user.is_superuser
        or SchoolMembership.objects.filter(user=user, role=SchoolRole.LEADER).exists()
    )


# --- people: who may give which role ----------------------------------------------

# What a school's leader may give; consultants serve the whole network, so only its
# administrators (superusers) give that role.
LEADER_GIVES = (SchoolRole.LEADER, SchoolRole.COORDINATOR, SchoolRole.TEACHER)


def grantable_roles(user, organisation: School | Company) -> list[str]:
    """The roles `user` may invite to, give or take away at this school or company;
    empty without the capability to manage its people."""
    if not can(user, Capability.MANAGE_PEOPLE, organisation):
        return []
    if isinstance(organisation, Company):
        return list(CompanyRole.values)
    if user.is_superuser:
        return list(SchoolRole.values)
    return list(LEADER_GIVES)


def school_people(school_id, *roles: str) -> QuerySet:
    """Active people with one of these roles at a school (who must act there)."""
    return User.objects.filter(
        is_active=True,
        pk__in=SchoolMembership.objects.filter(school_id=school_id, role__in=roles).values(
            "user_id"
        ),
    )


def company_people(company_ids, *roles: str) -> QuerySet:
    """Active people with one of these roles at a company, or any of several (a
    queryset or list of ids)."""
    ids = company_ids if hasattr(company_ids, "__iter__") else [company_ids]
    return User.objects.filter(
        is_active=True,
        pk__in=CompanyMembership.objects.filter(company_id__in=ids, role__in=roles).values(
            "user_id"
        ),
    )


def led_schools(user) -> QuerySet[School]:
    """Schools whose staff page the user manages (the menu's "Staff")."""
    if not _active(user):
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(pk__in=_school_ids(user, (SchoolRole.LEADER,)))


def invitations_for(user) -> QuerySet[Invitation]:
    """Invitations to the schools and companies the user sees; acting on one also
    needs MANAGE_PEOPLE on its school or company."""
    if not _active(user):
        return Invitation.objects.none()
    if user.is_superuser:
        return Invitation.objects.all()
    return Invitation.objects.filter(
        Q(school__in=schools_for(user)) | Q(company__in=companies_for(user))
    )


CAPABILITY_RULES = {
    Partnership: _partnership_capability,
    CompetencePlan: _plan_capability,
    Company: _company_capability,
    CourseBlock: _block_capability,
    School: _school_capability,
    Meeting: _meeting_capability,
    Experience: _experience_capability,
}


def can(user, capability: str, obj: Model) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    rule = CAPABILITY_RULES.get(type(obj))
    if rule is None:
        raise TypeError(f"No capability rules for {type(obj).__name__}")
    return rule(user, capability, obj)


def require(user, capability: str, obj: Model) -> None:
    """Raise PermissionDenied (403) unless the user may do this."""
    if not can(user, capability, obj):
        raise PermissionDenied(
            _("You may not %(capability)s here.")
            % {"capability": Capability.LABELS.get(capability, capability)}
        )
