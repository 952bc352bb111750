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

One module per domain holds its scoped querysets and its capability rule; this module
gathers them so callers write ``from access import can, Capability, plans_for``.
"""

from .capabilities import Capability, can, require
from .companies import (
    companies_for,
    employees_for,
    personal_data_companies,
    personal_data_employee,
)
from .dashboards import DASHBOARD_ROLES, dashboard_schools, dashboard_scope, network_school_ids
from .evaluations import evaluation_company_ids
from .partnerships import (
    can_manage_network,
    coordinated_partnerships,
    experiences_for,
    may_arrange_meetings,
    may_log_experiences,
    meetings_for,
    of_schools,
    partnerships_for,
)
from .people import LEADER_GIVES, grantable_roles, invitations_for
from .plans import plan_activities_for, plan_schools, plans_for
from .reports import reports_for
from .roles import (
    Roles,
    company_people,
    is_consultant,
    is_school_staff,
    roles_of,
    school_people,
)
from .scheduling import course_blocks_for, schedule_proposals_for
from .schools import (
    amu_courses_for,
    can_manage_catalogue,
    can_manage_funding_rates,
    led_schools,
    manages_calendar_schools,
    registering_schools,
    scheduling_schools,
    schools_for,
    target_setting_schools,
)

__all__ = [
    "DASHBOARD_ROLES",
    "LEADER_GIVES",
    "Capability",
    "Roles",
    "amu_courses_for",
    "can",
    "can_manage_catalogue",
    "can_manage_funding_rates",
    "can_manage_network",
    "companies_for",
    "company_people",
    "coordinated_partnerships",
    "course_blocks_for",
    "dashboard_schools",
    "dashboard_scope",
    "employees_for",
    "evaluation_company_ids",
    "experiences_for",
    "grantable_roles",
    "invitations_for",
    "is_consultant",
    "is_school_staff",
    "led_schools",
    "may_arrange_meetings",
    "may_log_experiences",
    "meetings_for",
    "of_schools",
    "network_school_ids",
    "partnerships_for",
    "personal_data_companies",
    "personal_data_employee",
    "plan_activities_for",
    "plan_schools",
    "plans_for",
    "registering_schools",
    "reports_for",
    "require",
    "roles_of",
    "manages_calendar_schools",
    "scheduling_schools",
    "schedule_proposals_for",
    "school_people",
    "schools_for",
    "target_setting_schools",
]
