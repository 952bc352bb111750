"""The permission matrix: every URL the resolver knows, for every persona.

Adding a URL without adding it to MATRIX fails `test_every_url_is_in_the_matrix`.
Expected answers: 200 page, 302 redirect (anonymous: to the login page), 403 not
allowed, 404 outside the user's scope, 405 wrong method. Personas come from the
`tenants` fixture: two schools and two companies, so cross-tenant access is exercised
as soon as a URL takes an object.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "coordinator",
    "leader",
    "teacher",
    "consultant",
    "other_coordinator",
    "hr",
    "other_hr",
    "nobody",
    "admin",
]
SIGNED_IN = PERSONAS[1:]


@dataclass
class Row:
    """Expected GET status per persona; `default` for those not named."""

    default: int
    statuses: dict[str, int] = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)  # values or callables taking `tenants`
    download: bool = False  # a GET that hands out a file writes one audit event
    # Settings the URL is requested under (override_settings), e.g. for /healthz, whose
    # answer depends on the services rather than on who asks.
    settings: dict = field(default_factory=dict)

    def environment(self):
        return override_settings(**self.settings)

    def expected(self, persona: str) -> int:
        return self.statuses.get(persona, self.default)

    def url(self, name: str, tenants) -> str:
        kwargs = {k: v(tenants) if callable(v) else v for k, v in self.kwargs.items()}
        return reverse(name, kwargs=kwargs)


LOGIN_REQUIRED = {"anonymous": 302}


def pk(key):
    return lambda tenants: tenants[key].pk


def only(allowed: dict[str, int]) -> dict[str, int]:
    """`allowed` as given, anonymous to the login page; the row default for the rest."""
    return {"anonymous": 302, **allowed}


# Company A is partnered with school A (coordinator, leader, consultant) and has HR "hr".
COMPANY_VIEWERS = {"coordinator": 200, "leader": 200, "consultant": 200, "hr": 200, "admin": 200}
COMPANY_EDITORS = {
    "coordinator": 200,
    "hr": 200,
    "admin": 200,
    "leader": 403,
    "consultant": 403,
}
EMPLOYEE_READERS = {
    "coordinator": 200,
    "leader": 200,
    "hr": 200,
    "admin": 200,
    "consultant": 403,
}
POST_ONLY_EDITORS = {
    "coordinator": 405,
    "hr": 405,
    "admin": 405,
    "leader": 403,
    "consultant": 403,
}
REGISTRARS = {"coordinator": 200, "leader": 200, "other_coordinator": 200, "admin": 200}
SCHOOL_STAFF = {
    "coordinator": 200,
    "leader": 200,
    "teacher": 200,
    "consultant": 200,
    "other_coordinator": 200,
    "admin": 200,
}
PARTNERSHIP_VIEWERS = COMPANY_VIEWERS
PARTNERSHIP_EDITORS = {
    "coordinator": 200,
    "admin": 200,
    "leader": 403,
    "consultant": 403,
    "hr": 403,
}
POST_ONLY_PARTNERSHIP_EDITORS = {
    "coordinator": 405,
    "admin": 405,
    "leader": 403,
    "consultant": 403,
    "hr": 403,
}
PLA = {"pk": pk("plan_a")}
BA = {"pk": pk("block_a")}
SCHOOL_A_STAFF_AND_HR = {
    "coordinator": 200,
    "leader": 200,
    "teacher": 200,
    "consultant": 200,
    "hr": 200,
    "admin": 200,
}
BLOCK_EDITORS = {
    "coordinator": 200,
    "admin": 200,
    "leader": 403,
    "teacher": 403,
    "consultant": 403,
    "hr": 403,
}
CA = {"pk": pk("company_a")}
APA = {"pk": pk("approved_plan_a")}
PROPOSAL = {**APA, "proposal_pk": pk("proposal_a")}
PROPOSERS = {**PARTNERSHIP_EDITORS}
POST_ONLY_PROPOSERS = {**POST_ONLY_PARTNERSHIP_EDITORS}
DASHBOARD_USERS = {
    "coordinator": 200,
    "leader": 200,
    "consultant": 200,
    "other_coordinator": 200,
    "admin": 200,
}
PA = {"pk": pk("partnership_a")}
SA = {"pk": pk("school_a")}
SCHOOL_A_PEOPLE_MANAGERS = {
    "leader": 200,
    "admin": 200,
    "coordinator": 403,
    "teacher": 403,
    "consultant": 403,
}
MA = {"pk": pk("meeting_a")}

MATRIX: dict[str, Row] = {
    "home": Row(200, LOGIN_REQUIRED),
    "login": Row(302, {"anonymous": 200}),  # signed-in users go straight home
    "logout": Row(405),  # POST only
    "set_language": Row(302),
    # For monitors: no login, no personal data (core/health.py); asked without a broker,
    # so that its answer is the database's alone (with one, no worker runs in the tests).
    "healthz": Row(200, settings={"CELERY_BROKER_URL": ""}),
    "password_change": Row(200, LOGIN_REQUIRED),
    # Two-factor login: no one in the fixtures has a device, so the second step has
    # nothing to ask and sends them on.
    "two_factor_manage": Row(200, LOGIN_REQUIRED),
    "two_factor_setup": Row(200, LOGIN_REQUIRED),
    "two_factor_verify": Row(302),
    "password_reset": Row(200),
    "password_reset_done": Row(200),
    "password_reset_confirm": Row(200, kwargs={"uidb64": "MQ", "token": "not-a-token"}),
    "password_reset_complete": Row(200),
    # --- companies ---
    "companies:list": Row(200, LOGIN_REQUIRED),
    "companies:create": Row(403, only(REGISTRARS)),
    "companies:detail": Row(404, only(COMPANY_VIEWERS), CA),
    "companies:update": Row(404, only(COMPANY_EDITORS), CA),
    "companies:contact_create": Row(404, only(COMPANY_EDITORS), CA),
    "companies:blackout_weeks": Row(404, only(POST_ONLY_EDITORS), CA),
    "companies:contact_update": Row(
        404, only(COMPANY_EDITORS), {**CA, "contact_pk": pk("contact_a")}
    ),
    "companies:contact_delete": Row(
        404, only(POST_ONLY_EDITORS), {**CA, "contact_pk": pk("contact_a")}
    ),
    "companies:group_create": Row(404, only(COMPANY_EDITORS), CA),
    "companies:group_update": Row(404, only(COMPANY_EDITORS), {**CA, "group_pk": pk("group_a")}),
    "companies:employees": Row(404, only(EMPLOYEE_READERS), CA),
    "companies:employee_create": Row(404, only(COMPANY_EDITORS), CA),
    "companies:employee_update": Row(
        404, only(COMPANY_EDITORS), {**CA, "employee_pk": pk("employee_a")}
    ),
    "companies:employee_set_active": Row(
        404, only(POST_ONLY_EDITORS), {**CA, "employee_pk": pk("employee_a")}
    ),
    "companies:employee_import": Row(404, only(COMPANY_EDITORS), CA),
    "companies:employee_export": Row(404, only(EMPLOYEE_READERS), CA, download=True),
    # --- competence records (scheduling/record_urls.py) ---
    "records:employee": Row(404, only(EMPLOYEE_READERS), {**CA, "employee_pk": pk("employee_a")}),
    "records:certificate_remove": Row(
        404,
        only(COMPANY_EDITORS),
        {**CA, "employee_pk": pk("employee_a"), "certificate_pk": pk("certificate_a")},
    ),
    "records:expiring": Row(404, only(EMPLOYEE_READERS), CA),
    "companies:certificate_import": Row(404, only(COMPANY_EDITORS), CA),
    # --- partnerships ---
    "partnerships:list": Row(200, LOGIN_REQUIRED),
    "partnerships:create": Row(403, only(REGISTRARS)),
    "partnerships:detail": Row(404, only(PARTNERSHIP_VIEWERS), PA),
    "partnerships:update": Row(
        404,
        only({"coordinator": 200, "admin": 200, "leader": 403, "consultant": 403, "hr": 403}),
        PA,
    ),
    "partnerships:transition": Row(404, only(dict.fromkeys(PARTNERSHIP_VIEWERS, 405)), PA),
    "partnerships:hand_over": Row(
        404,
        only({"coordinator": 200, "leader": 200, "admin": 200, "consultant": 403, "hr": 403}),
        PA,
    ),
    # --- meetings and action items (meeting A is partnership A's meeting) ---
    "partnerships:meetings": Row(200, LOGIN_REQUIRED),
    "partnerships:meeting_create": Row(403, only(SCHOOL_STAFF)),
    "partnerships:meeting_detail": Row(404, only(PARTNERSHIP_VIEWERS), MA),
    "partnerships:meeting_update": Row(
        404,
        only({"coordinator": 200, "admin": 200, "leader": 403, "consultant": 403, "hr": 403}),
        MA,
    ),
    "partnerships:meeting_cancel": Row(
        404,
        only({"coordinator": 200, "admin": 200, "leader": 403, "consultant": 403, "hr": 403}),
        MA,
    ),
    "partnerships:meeting_ics": Row(404, only(PARTNERSHIP_VIEWERS), MA, download=True),
    "partnerships:action_item_create": Row(
        404,
        only({"coordinator": 405, "admin": 405, "leader": 403, "consultant": 403, "hr": 403}),
        MA,
    ),
    "partnerships:action_item_done": Row(405, LOGIN_REQUIRED, {"pk": pk("action_item_a")}),
    # --- competence plans (plan A: a draft in partnership A) ---
    "competence_plans:create": Row(
        404, only(PARTNERSHIP_EDITORS), {"partnership_pk": pk("partnership_a")}
    ),
    "competence_plans:detail": Row(404, only(PARTNERSHIP_VIEWERS), PLA),
    "competence_plans:update": Row(404, only(PARTNERSHIP_EDITORS), PLA),
    "competence_plans:staff_matrix": Row(404, only(EMPLOYEE_READERS), PLA),
    "competence_plans:goal_create": Row(404, only(POST_ONLY_PARTNERSHIP_EDITORS), PLA),
    "competence_plans:goal_delete": Row(
        404, only(PARTNERSHIP_EDITORS), {**PLA, "goal_pk": pk("goal_a")}
    ),
    "competence_plans:renewal": Row(404, only(POST_ONLY_PARTNERSHIP_EDITORS), PLA),
    "competence_plans:goal_courses": Row(
        404, only(PARTNERSHIP_EDITORS), {**PLA, "goal_pk": pk("goal_a")}
    ),
    "competence_plans:activity_create": Row(404, only(PARTNERSHIP_EDITORS), PLA),
    "competence_plans:activity_update": Row(
        404, only(PARTNERSHIP_EDITORS), {**PLA, "activity_pk": pk("activity_a")}
    ),
    "competence_plans:activity_action": Row(
        404, only(POST_ONLY_PARTNERSHIP_EDITORS), {**PLA, "activity_pk": pk("activity_a")}
    ),
    "competence_plans:transition": Row(404, only(dict.fromkeys(PARTNERSHIP_VIEWERS, 405)), PLA),
    "competence_plans:comment": Row(404, only(dict.fromkeys(PARTNERSHIP_VIEWERS, 405)), PLA),
    "competence_plans:new_version": Row(404, only(POST_ONLY_PARTNERSHIP_EDITORS), PLA),
    # --- week plan and course blocks (block A: school A, taught by "teacher",
    #     employee A of company A enrolled) ---
    "scheduling:week_plan": Row(403, only(SCHOOL_STAFF)),
    "scheduling:conflicts": Row(403, only(SCHOOL_STAFF)),
    # Coordinators plan around the school's closed periods, leaders decide them.
    "scheduling:closures": Row(403, only(REGISTRARS)),
    # So are the teachers' qualifications, which the planner gives blocks by.
    "scheduling:qualifications": Row(403, only(REGISTRARS)),
    "scheduling:calendar_feeds": Row(200, LOGIN_REQUIRED),
    # A calendar app cannot log in: the secret token is the key; a wrong one is 404.
    "scheduling:calendar_feed": Row(404, kwargs={"token": "not-a-real-token"}),
    "schools:catalogue": Row(200, LOGIN_REQUIRED),
    "schools:catalogue_import": Row(403, only({"leader": 200, "admin": 200})),
    # National figures: administrators keep them (the seeded years are there).
    "schools:funding_rates": Row(403, only({"admin": 200})),
    "schools:funding_rate_edit": Row(403, only({"admin": 200}), {"year": 2025}),
    # A school's leaders set its ÅE targets (admins any school's).
    "schools:ae_targets": Row(403, only({"leader": 200, "admin": 200})),
    "schools:ae_targets_year": Row(403, only({"leader": 200, "admin": 200}), {"year": 2026}),
    "scheduling:block_create": Row(
        403, only({"coordinator": 200, "other_coordinator": 200, "admin": 200})
    ),
    # The export for the administrative system: for those who plan blocks.
    "scheduling:hand_off": Row(
        403, only({"coordinator": 200, "other_coordinator": 200, "admin": 200})
    ),
    "scheduling:block_detail": Row(404, only(SCHOOL_A_STAFF_AND_HR), BA),
    "scheduling:block_update": Row(404, only(BLOCK_EDITORS), BA),
    "scheduling:block_enroll": Row(404, only(BLOCK_EDITORS), BA),
    "scheduling:attendance": Row(404, only(dict.fromkeys(SCHOOL_A_STAFF_AND_HR, 405)), BA),
    "scheduling:enrollment_move": Row(
        404,
        only({k: 405 if v == 200 else v for k, v in BLOCK_EDITORS.items()}),
        {**BA, "enrollment_pk": pk("enrollment_a")},
    ),
    "scheduling:enrollment_cancel": Row(
        404,
        only({k: 405 if v == 200 else v for k, v in BLOCK_EDITORS.items()}),
        {**BA, "enrollment_pk": pk("enrollment_a")},
    ),
    "scheduling:reservation": Row(
        404, only({k: 405 if v == 200 else v for k, v in BLOCK_EDITORS.items()}), BA
    ),
    # --- the planner (an approved plan of partnership A and a proposal for it): the
    #     coordinator's alone; those who see the plan otherwise are refused ---
    "scheduling:proposal_request": Row(404, only(PROPOSERS), APA),
    "scheduling:proposal": Row(404, only(PROPOSERS), PROPOSAL),
    "scheduling:proposal_status": Row(404, only(PROPOSERS), PROPOSAL),
    "scheduling:proposal_accept": Row(404, only(POST_ONLY_PROPOSERS), PROPOSAL),
    "scheduling:proposal_pin": Row(404, only(POST_ONLY_PROPOSERS), PROPOSAL),
    "scheduling:proposal_discard": Row(404, only(POST_ONLY_PROPOSERS), PROPOSAL),
    # --- reports (report A: HR's queued competence-plan PDF; jobs are private to
    #     their requester, so everyone else gets 404, admins included) ---
    "reports:list": Row(200, LOGIN_REQUIRED),
    "reports:start": Row(405, LOGIN_REQUIRED, {"kind": "competence_plan", "pk": pk("plan_a")}),
    "reports:status": Row(404, only({"hr": 200}), {"pk": pk("report_a")}),
    "reports:status_json": Row(404, only({"hr": 200}), {"pk": pk("report_a")}),
    # not rendered yet, so the download link leads back to the status page
    "reports:download": Row(404, only({"hr": 302}), {"pk": pk("report_a")}, download=True),
    # --- evaluations (invitation A: a follow-up link for the employee on block A;
    #     answering needs no login, results follow the block, plan and partnership) ---
    "evaluations:answer": Row(200, kwargs={"token": lambda t: t["invitation_a"].token}),
    "evaluations:thanks": Row(200),
    "evaluations:block": Row(404, only(SCHOOL_A_STAFF_AND_HR), BA),
    "evaluations:sheet": Row(
        404,
        only(
            {
                "coordinator": 200,
                "teacher": 200,
                "admin": 200,
                "leader": 403,
                "consultant": 403,
                "hr": 403,
            }
        ),
        BA,
    ),
    "evaluations:plan": Row(404, only(PARTNERSHIP_VIEWERS), PLA),
    "evaluations:partnership": Row(404, only(PARTNERSHIP_VIEWERS), PA),
    "evaluations:conclusion": Row(404, only(POST_ONLY_PARTNERSHIP_EDITORS), PA),
    "evaluations:school": Row(
        404,
        only({"coordinator": 200, "leader": 200, "teacher": 200, "consultant": 200, "admin": 200}),
        {"pk": pk("school_a")},
    ),
    "evaluations:questionnaires": Row(
        404,
        only({"leader": 200, "admin": 200, "coordinator": 403, "teacher": 403, "consultant": 403}),
        {"pk": pk("school_a")},
    ),
    "evaluations:questionnaire_edit": Row(
        404,
        only({"leader": 200, "admin": 200, "coordinator": 403, "teacher": 403, "consultant": 403}),
        {"pk": pk("school_a"), "kind": "follow_up"},
    ),
    # --- dashboards (school staff who lead, coordinate or advise; HR get the company
    #     view of their own company; consultants the network view) ---
    "dashboards:school": Row(403, only(DASHBOARD_USERS)),
    "dashboards:blocks": Row(403, only(DASHBOARD_USERS)),
    "dashboards:network": Row(403, only({"consultant": 200, "admin": 200})),
    "dashboards:company": Row(
        404,
        only(
            {
                "hr": 200,
                "admin": 200,
                "coordinator": 403,
                "leader": 403,
                "consultant": 403,
            }
        ),
        CA,
    ),
    # --- personal data (employee A of company A): only the company's HR and admins;
    #     others who see the employee get 403 ---
    "privacy:employee": Row(
        404,
        only({"hr": 200, "admin": 200, "coordinator": 403, "leader": 403, "teacher": 403}),
        {"pk": pk("employee_a")},
    ),
    "privacy:anonymise": Row(
        404,
        only({"hr": 405, "admin": 405, "coordinator": 403, "leader": 403, "teacher": 403}),
        {"pk": pk("employee_a")},
    ),
    "privacy:retention": Row(403, only({"admin": 200})),
    # --- experiences (experience A: school A's, written by the coordinator) ---
    "partnerships:experiences": Row(200, LOGIN_REQUIRED),
    "partnerships:experience_create": Row(403, only(SCHOOL_STAFF)),
    "partnerships:experience_detail": Row(
        404,
        only({"coordinator": 200, "leader": 200, "teacher": 200, "consultant": 200, "admin": 200}),
        {"pk": pk("experience_a")},
    ),
    "partnerships:experience_update": Row(
        404,
        only({"coordinator": 200, "consultant": 200, "admin": 200, "leader": 403, "teacher": 403}),
        {"pk": pk("experience_a")},
    ),
    # --- people: a school's staff (its leaders), a company's people (its editors) ---
    **{
        name: Row(404, only(SCHOOL_A_PEOPLE_MANAGERS), kwargs)
        for name, kwargs in [
            ("people:school", SA),
            ("people:school_invite", SA),
            ("people:school_member", {**SA, "user_pk": pk("coordinator")}),
            ("people:school_member_end", {**SA, "user_pk": pk("coordinator")}),
            ("people:school_member_two_factor", {**SA, "user_pk": pk("coordinator")}),
        ]
    },
    **{
        name: Row(404, only(COMPANY_EDITORS), kwargs)
        for name, kwargs in [
            ("people:company", CA),
            ("people:company_invite", CA),
            ("people:company_member", {**CA, "user_pk": pk("hr")}),
            ("people:company_member_end", {**CA, "user_pk": pk("hr")}),
            ("people:company_member_two_factor", {**CA, "user_pk": pk("hr")}),
        ]
    },
    "people:invitation_resend": Row(405, LOGIN_REQUIRED, {"pk": pk("people_invitation_a")}),
    "people:invitation_revoke": Row(405, LOGIN_REQUIRED, {"pk": pk("people_invitation_a")}),
    # The invitee's side needs no login; an unknown link is a 404 page that says so.
    # --- notifications: everyone's own ---
    "notifications:list": Row(200, LOGIN_REQUIRED),
    "notifications:mark": Row(405, LOGIN_REQUIRED),
    "notifications:preferences": Row(200, LOGIN_REQUIRED),
    "people:accept": Row(404, kwargs={"token": "not-a-token"}),
    "people:request_link": Row(405, kwargs={"token": "not-a-token"}),
}
# Answered by a middleware before sessions and CSRF (core/health.py).
ANSWERED_BEFORE_CSRF = {"healthz"}
# The Django admin guards itself (staff only); the matrix samples it below.
WILDCARDS = {"admin:"}


def all_url_names(resolvers=None, namespace="") -> set[str]:
    names = set()
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= all_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name or f'<unnamed {entry.pattern}>'}")
    return names


def test_every_url_is_in_the_matrix():
    missing = {
        name
        for name in all_url_names()
        if name not in MATRIX and not any(name.startswith(w) for w in WILDCARDS)
    }
    assert not missing, f"Add these URLs to the permission matrix: {sorted(missing)}"


@pytest.fixture(scope="module")
def tenants(django_db_setup, django_db_blocker):
    """The personas and their data, built once for this module's ~2,700 requests (not
    once per request) inside a transaction that is rolled back at the end; each test
    runs in a savepoint of it (`_in_a_savepoint`), so what one test writes, the next
    does not see."""
    from conftest import build_tenants, build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_tenants(build_world())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _in_a_savepoint(db):
    """pytest-django's per-test transaction, nested in the module's: a savepoint."""


def client_for(persona: str, tenants, **options) -> Client:
    client = Client(**options)
    if persona != "anonymous":
        client.force_login(tenants[persona])
    return client


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_get_answers_as_the_matrix_says(tenants, name, persona):
    row = MATRIX[name]
    with row.environment():
        response = client_for(persona, tenants).get(row.url(name, tenants))
    assert response.status_code == row.expected(persona), (name, persona)
    if (
        persona == "anonymous"
        and response.status_code == 302
        and name in {"home", "password_change"}
    ):
        assert response["Location"].startswith(reverse("login") + "?next=")


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Keeping a signed-in session alive (last-seen stamp) is the one write a GET may do.
ALLOWED_WRITE_TABLES = ("accounts_usersession",)


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_get_never_changes_state(tenants, name, persona):
    row = MATRIX[name]
    client = client_for(persona, tenants)
    with row.environment(), CaptureQueriesContext(connection) as queries:
        client.get(row.url(name, tenants))
    allowed = ALLOWED_WRITE_TABLES + (("accounts_auditevent",) if row.download else ())
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if WRITE.match(q["sql"]) and not any(t in q["sql"] for t in allowed)
    ]
    assert writes == [], (name, persona, writes)


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_post_without_csrf_token_is_refused(tenants, name, persona):
    row = MATRIX[name]
    client = client_for(persona, tenants, enforce_csrf_checks=True)
    response = client.post(row.url(name, tenants), {})
    if name in ANSWERED_BEFORE_CSRF:
        # Read-only and answered before the CSRF check: a POST is the wrong method.
        assert response.status_code == 405, (name, persona)
        return
    assert response.status_code == 403, (name, persona)
    assert "Formularen er udløbet" in response.content.decode()


ADMIN_SAMPLE = [
    "admin:index",
    "admin:partnerships_partnership_changelist",
    "admin:accounts_auditevent_changelist",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_superusers_only(tenants, persona):
    client = client_for(persona, tenants)
    for name in ADMIN_SAMPLE:
        response = client.get(reverse(name))
        if persona == "admin":
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302, (name, persona)
            assert response["Location"].startswith(reverse("admin:login"))
