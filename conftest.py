"""Project-wide test fixtures: personas for every role plus outsiders.

Two schools and two companies, so every test can check that one tenant never sees
the other's data (healthchecks' alice/bob/charlie, extended to our roles).
"""

import os

import pytest
from hypothesis import Phase
from hypothesis import settings as hypothesis_settings

from tests.factories import (
    CompanyFactory,
    CompanyMembershipFactory,
    PartnershipFactory,
    SchoolFactory,
    SchoolMembershipFactory,
    UserFactory,
)

# `make mutation` kills a mutant at the first failing example: shrinking it to the
# smallest one would only cost time.
hypothesis_settings.register_profile(
    "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


if os.environ.get("TEST_DB_TEMPLATE"):
    # `make mutation` runs the tests once per mutant: migrating a new test database each
    # time (5 s) would be most of the run. A SQLite file migrated once is copied into
    # each run's in-memory test database instead; the tests see the same tables and the
    # rows the migrations seed. Only for mutation runs: `make test` migrates as always.

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        import sqlite3

        from django.conf import settings
        from django.db import connection

        with django_db_blocker.unblock():
            assert connection.vendor == "sqlite", "TEST_DB_TEMPLATE is for SQLite"
            name = connection.creation._get_test_db_name()
            connection.close()
            settings.DATABASES["default"]["NAME"] = name
            connection.settings_dict["NAME"] = name
            connection.ensure_connection()
            template = sqlite3.connect(os.environ["TEST_DB_TEMPLATE"])
            template.backup(connection.connection)
            template.close()
        yield


@pytest.fixture
def danish():
    """Danish active for the test: for tests that assert the product's words. A request
    made by an earlier test through the test client leaves its language active (Django's
    LocaleMiddleware does not reset it), so words must not depend on test order."""
    from django.utils import translation

    with translation.override("da"):
        yield


@pytest.fixture
def world(db):
    """Two schools, two companies, one partnership each, and a user per role."""
    return build_world()


def build_world() -> dict:
    """The `world` fixture's data (also built once per module by the permission matrix)."""
    from accounts.models import CompanyRole, SchoolRole

    school_a, school_b = SchoolFactory(), SchoolFactory()
    company_a, company_b = CompanyFactory(), CompanyFactory()
    people = {}
    for name, school, role in [
        ("coordinator", school_a, SchoolRole.COORDINATOR),
        ("leader", school_a, SchoolRole.LEADER),
        ("teacher", school_a, SchoolRole.TEACHER),
        ("consultant", school_a, SchoolRole.CONSULTANT),
        ("other_coordinator", school_b, SchoolRole.COORDINATOR),
        ("other_leader", school_b, SchoolRole.LEADER),
    ]:
        people[name] = SchoolMembershipFactory(school=school, role=role).user
    people["hr"] = CompanyMembershipFactory(company=company_a, role=CompanyRole.HR).user
    people["other_hr"] = CompanyMembershipFactory(company=company_b, role=CompanyRole.HR).user
    people["nobody"] = UserFactory()
    people["admin"] = UserFactory(is_superuser=True, is_staff=True)
    partnership_a = PartnershipFactory(
        company=company_a, lead_school=school_a, coordinator=people["coordinator"]
    )
    partnership_b = PartnershipFactory(
        company=company_b, lead_school=school_b, coordinator=people["other_coordinator"]
    )
    return {
        "school_a": school_a,
        "school_b": school_b,
        "company_a": company_a,
        "company_b": company_b,
        "partnership_a": partnership_a,
        "partnership_b": partnership_b,
        **people,
    }


def pytest_collection_modifyitems(config, items):
    """Mark tests by the service they need so a laptop can skip them with a reason.

    Tests marked `postgres` prove PostgreSQL's own behaviour (row locks under real
    concurrency, NUL bytes refused by the server). On SQLite they skip with that reason;
    on CI, which runs the suite on both databases, the SQLite pass leaves them to the
    PostgreSQL pass instead (deselected, so a skip there still means a missing service)."""
    from django.conf import settings

    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    needs_postgres = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI runs it there)"
    )
    from reports import pdf_libraries

    needs_pdf = pytest.mark.skip(reason=pdf_libraries.REASON) if pdf_libraries.missing() else None
    left_to_postgres = []
    for item in items:
        if needs_pdf and item.get_closest_marker("pdf"):
            item.add_marker(needs_pdf)
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("postgres") and not on_postgres:
            if os.environ.get("CI") == "true":
                left_to_postgres.append(item)
            else:
                item.add_marker(needs_postgres)
    if left_to_postgres:
        config.hook.pytest_deselected(items=left_to_postgres)
        items[:] = [item for item in items if item not in left_to_postgres]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """On CI a skip is a failure: every service the suite needs must be there."""
    if os.environ.get("CI") != "true":
        return
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.section("CI=true: skipped tests are failures", sep="!")
        for report in skipped:
            terminalreporter.write_line(f"{report.nodeid}: {report.longrepr}")
        terminalreporter._session.exitstatus = 1


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") == "true":
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter and reporter.stats.get("skipped"):
            session.exitstatus = 1


@pytest.fixture
def tenants(world):
    """`world` plus, for each side (a and b): a plan, employees, a course block with
    an enrollment, a partnership meeting, an internal forum, an experience for the
    school; and one network meeting and one network-wide experience across both."""
    return build_tenants(world)


def build_tenants(world: dict) -> dict:
    """The `tenants` fixture's data, on top of build_world()."""
    import datetime as dt

    from django.utils import timezone

    from partnerships.models import Experience, Meeting
    from tests.factories import (
        CompetencePlanFactory,
        CourseBlockFactory,
        EmployeeFactory,
        EnrollmentFactory,
    )

    starts = timezone.now() + dt.timedelta(days=7)
    teachers = {"a": world["teacher"], "b": None}
    authors = {"a": world["coordinator"], "b": world["other_coordinator"]}
    for side in ("a", "b"):
        partnership = world[f"partnership_{side}"]
        school = world[f"school_{side}"]
        world[f"plan_{side}"] = CompetencePlanFactory(partnership=partnership)
        world[f"employee_{side}"] = EmployeeFactory(company=world[f"company_{side}"])
        world[f"bystander_{side}"] = EmployeeFactory(company=world[f"company_{side}"])
        world[f"block_{side}"] = CourseBlockFactory(
            school=school, teachers=[teachers[side]] if teachers[side] else []
        )
        world[f"enrollment_{side}"] = EnrollmentFactory(
            employee=world[f"employee_{side}"], course_block=world[f"block_{side}"]
        )
        world[f"meeting_{side}"] = Meeting.objects.create(
            kind=Meeting.Kind.PARTNERSHIP,
            partnership=partnership,
            title=f"Møde {side}",
            starts_at=starts,
        )
        forum = Meeting.objects.create(
            kind=Meeting.Kind.INTERNAL_FORUM, title=f"Forum {side}", starts_at=starts
        )
        forum.schools.add(school)
        world[f"forum_{side}"] = forum
        world[f"experience_{side}"] = Experience.objects.create(
            title=f"Erfaring {side}",
            body="…",
            author=authors[side],
            school=school,
            visibility=Experience.Visibility.SCHOOL,
        )
    from companies.models import Contact, EmployeeGroup
    from partnerships.models import ActionItem

    world["contact_a"] = Contact.objects.create(
        company=world["company_a"], name="Kontakt A", role=Contact.Role.HR
    )
    world["group_a"] = EmployeeGroup.objects.create(company=world["company_a"], name="Gruppe A")
    from companies.models import CertificateType, EmployeeCertificate

    world["certificate_a"] = EmployeeCertificate.objects.create(
        employee=world["employee_a"],
        type=CertificateType.objects.create(name="Førstehjælpsbevis", validity_months=24),
        issued_on=timezone.localdate() - dt.timedelta(days=700),
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    from competence_plans.models import CompetenceGoal
    from tests.factories import PlanActivityFactory

    world["goal_a"] = CompetenceGoal.objects.create(plan=world["plan_a"], title="Mål A")
    world["activity_a"] = PlanActivityFactory(plan=world["plan_a"], goal=world["goal_a"])
    world["activity_a"].target_groups.add(world["group_a"])
    world["action_item_a"] = ActionItem.objects.create(
        meeting=world["meeting_a"],
        partnership=world["partnership_a"],
        title="Opgave A",
        owner=world["coordinator"],
    )
    from reports.models import ReportJob

    world["report_a"] = ReportJob.objects.create(
        kind=ReportJob.Kind.COMPETENCE_PLAN,
        plan=world["plan_a"],
        partnership=world["partnership_a"],
        source_version="fixture",
        language="da",
        requested_by=world["hr"],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    from scheduling.models import ScheduleProposal

    # An approved plan of partnership A, and a proposed schedule for it.
    world["approved_plan_a"] = CompetencePlanFactory(
        partnership=world["partnership_a"], status="approved", title="Godkendt plan A"
    )
    world["proposal_a"] = ScheduleProposal.objects.create(
        plan=world["approved_plan_a"],
        school=world["school_a"],
        requested_by=world["coordinator"],
        status=ScheduleProposal.Status.DONE,
        summary={"placed": 0, "to_place": 0, "new_blocks": 0, "joined": 0},
    )
    from evaluations.models import Invitation, Kind
    from evaluations.services import questionnaire_current

    world["invitation_a"] = Invitation.objects.create(
        kind=Kind.FOLLOW_UP,
        questionnaire=questionnaire_current(kind=Kind.FOLLOW_UP, school_id=None),
        course_block=world["block_a"],
        company=world["company_a"],
        partnership=world["partnership_a"],
        enrollment=world["enrollment_a"],
        opens_on=timezone.localdate(),
        expires_on=timezone.localdate() + dt.timedelta(days=14),
    )
    from people.models import Invitation as PeopleInvitation
    from people.models import token_digest

    world["people_invitation_a"] = PeopleInvitation.objects.create(
        email="ny.tovholder@example.org",
        first_name="Ny",
        school=world["school_a"],
        role="coordinator",
        invited_by=world["leader"],
        token_digest=token_digest("fixture-invitation-token"),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    network = Meeting.objects.create(
        kind=Meeting.Kind.NETWORK, title="Netværksmøde", starts_at=starts
    )
    network.schools.add(world["school_a"], world["school_b"])
    world["network_meeting"] = network
    world["network_experience"] = Experience.objects.create(
        title="Netværkserfaring",
        body="…",
        author=world["other_coordinator"],
        school=world["school_b"],
        visibility=Experience.Visibility.NETWORK,
    )
    return world


@pytest.fixture
def eager_tasks():
    """Celery tasks run in the caller, broker or not: for tests of what a task does
    (e-mails sent after a step). Real workers are tested in reports/."""
    from config.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved
