import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from competence_plans.models import CompetencePlan, PlanComment
from competence_plans.selectors import plan_progress, staff_matrix
from competence_plans.services import (
    StaleEdit,
    activity_move,
    plan_approve,
    plan_complete,
    plan_create,
    plan_new_version,
    plan_propose,
    plan_send_back,
    plan_start,
    plan_transition,
    plan_update,
    plan_withdraw,
)
from scheduling.models import Enrollment
from tests.factories import (
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EmployeeGroupFactory,
    EnrollmentFactory,
    PlanActivityFactory,
)

pytestmark = pytest.mark.django_db
Status = CompetencePlan.Status


def test_new_plan_is_prefilled_from_the_company_strategy(world):
    company = world["company_a"]
    company.strategy, company.development_plans = "Eksport.", "Robotter."
    company.save()
    plan = plan_create(
        partnership=world["partnership_a"],
        by=world["coordinator"],
        title="Plan 2027",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
    )
    assert plan.strategy_background == "Eksport.\n\nRobotter."
    assert plan.status == Status.DRAFT


def test_lifecycle_propose_send_back_approve_start_complete(tenants):
    """Each step through the service named for the act."""
    plan, coordinator, hr = tenants["plan_a"], tenants["coordinator"], tenants["hr"]
    plan = plan_propose(plan=plan, by=coordinator)
    assert plan.status == Status.PROPOSED
    with pytest.raises(ValidationError, match="Skriv, hvad der skal ændres"):
        plan_send_back(plan=plan, by=hr, comment="  ")
    plan = plan_send_back(plan=plan, by=hr, comment="Flere lagerfolk, tak.")
    assert plan.status == Status.DRAFT
    assert PlanComment.objects.get(plan=plan).kind == PlanComment.Kind.SENT_BACK
    plan = plan_propose(plan=plan, by=coordinator)
    with pytest.raises(ValidationError):
        plan_propose(plan=plan, by=coordinator)  # already proposed
    plan = plan_withdraw(plan=plan, by=coordinator)
    assert plan.status == Status.DRAFT
    plan = plan_propose(plan=plan, by=coordinator)
    plan = plan_approve(plan=plan, by=hr, comment="Godkendt.")
    assert (plan.status, plan.approved_by) == (Status.APPROVED, hr)
    plan = plan_start(plan=plan, by=coordinator)
    plan = plan_complete(plan=plan, by=coordinator)
    assert plan.status == Status.COMPLETED
    assert AuditEvent.objects.filter(action="state_changed", target_id=str(plan.pk)).count() == 8


def test_only_the_companys_hr_approves(tenants):
    plan = plan_transition(plan=tenants["plan_a"], name="propose", by=tenants["coordinator"])
    for outsider in ["coordinator", "leader"]:
        with pytest.raises(PermissionDenied):
            plan_transition(plan=plan, name="approve", by=tenants[outsider])
    with pytest.raises(PermissionDenied):
        plan_transition(plan=plan, name="approve", by=tenants["other_hr"])


def test_proposal_needs_goals_and_activities(world):
    plan = CompetencePlanFactory(partnership=world["partnership_a"])
    with pytest.raises(ValidationError) as error:
        plan_transition(plan=plan, name="propose", by=world["coordinator"])
    assert error.value.messages == [
        "Tilføj mindst ét kompetencemål.",
        "Tilføj mindst én aktivitet.",
    ]


def test_approved_plan_is_read_only_and_changes_through_a_new_version(tenants):
    plan = tenants["plan_a"]
    plan.status = Status.APPROVED
    plan.save()
    with pytest.raises(ValidationError, match="Kun en kladde"):
        plan_update(
            plan=plan, by=tenants["coordinator"], expected_revision=plan.revision, title="X"
        )
    copy = plan_new_version(plan=plan, by=tenants["coordinator"])
    assert (copy.version, copy.status, copy.previous_version) == (2, Status.DRAFT, plan)
    assert copy.activities.count() == plan.activities.count()
    copied = copy.activities.get()
    assert list(copied.target_groups.all()) == [tenants["group_a"]]
    assert copied.goal.plan == copy  # goals are copied, not shared
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED  # the earlier version is kept as it was
    with pytest.raises(ValidationError):
        plan_new_version(plan=plan, by=tenants["coordinator"])  # only one successor


def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_lost(client, tenants):
    plan = tenants["plan_a"]
    url = reverse("competence_plans:update", args=[plan.pk])
    form = {
        "title": plan.title,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "strategy_background": "",
        "needs_analysis": "",
        "revision": plan.revision,
    }
    client.force_login(tenants["coordinator"])
    first = client.post(url, {**form, "needs_analysis": "Anne's analyse"})
    assert first.status_code == 302
    second = client.post(url, {**form, "needs_analysis": "Bos analyse"})  # same old revision
    assert second.status_code == 200
    page = second.content.decode()
    assert "Nogen har gemt planen, mens du redigerede" in page
    assert "Bos analyse" in page  # the loser's text is still in the form
    plan.refresh_from_db()
    assert plan.needs_analysis == "Anne's analyse"
    with pytest.raises(StaleEdit):
        plan_update(plan=plan, by=tenants["coordinator"], expected_revision=0, title="Y")


def test_activities_reorder(tenants):
    plan = tenants["plan_a"]
    second = PlanActivityFactory(plan=plan, position=2)
    activity_move(activity=second, direction=-1)
    assert list(plan.activities.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        tenants["activity_a"].pk,
    ]


def test_activity_form_defaults_title_and_days_from_the_course(client, tenants):
    client.force_login(tenants["coordinator"])
    plan = tenants["plan_a"]
    course = tenants["activity_a"].amu_course
    response = client.post(
        reverse("competence_plans:activity_create", args=[plan.pk]),
        {
            "kind": "amu_course",
            "amu_course": course.pk,
            "title": "",
            "days": "",
            "target_groups": [tenants["group_a"].pk],
            "planned_start": "2026-02-02",
            "planned_end": "2026-06-26",
        },
    )
    assert response.status_code == 302
    activity = plan.activities.order_by("-pk").first()
    assert (activity.title, activity.days) == (course.title, course.duration_days)


def test_staged_learning_with_a_course_is_refused_at_the_field(client, tenants):
    client.force_login(tenants["coordinator"])
    response = client.post(
        reverse("competence_plans:activity_create", args=[tenants["plan_a"].pk]),
        {
            "kind": "staged_learning",
            "amu_course": tenants["activity_a"].amu_course.pk,
            "title": "Sidemand",
            "days": "3",
            "target_groups": [tenants["group_a"].pk],
            "planned_start": "2026-02-02",
            "planned_end": "2026-06-26",
        },
    )
    assert response.status_code == 200
    assert "amu_course" in response.context["form"].errors


def test_progress_and_staff_matrix(tenants):
    plan, activity = tenants["plan_a"], tenants["activity_a"]
    welders = tenants["group_a"]
    anne = EmployeeFactory(company=tenants["company_a"], group=welders, name="Anne")
    bo = EmployeeFactory(company=tenants["company_a"], group=welders, name="Bo")
    EmployeeFactory(company=tenants["company_a"], group=welders, name="Carl")
    idle = EmployeeGroupFactory(company=tenants["company_a"], name="Kontor")
    EmployeeFactory(company=tenants["company_a"], group=idle, name="Dorte")
    block = CourseBlockFactory(course=activity.amu_course)
    EnrollmentFactory(employee=anne, course_block=block, plan_activity=activity)
    EnrollmentFactory(
        employee=bo,
        course_block=block,
        plan_activity=activity,
        status=Enrollment.Status.COMPLETED,
    )
    progress = plan_progress(plan, [activity])[activity.pk]
    assert (progress.planned, progress.enrolled, progress.completed) == (3, 1, 1)
    groups = {g.name: g for g in staff_matrix(plan, [activity])}
    cells = {employee.name: row[0] for employee, row in groups[welders.name].rows}
    assert cells == {"Anne": "enrolled", "Bo": "completed", "Carl": "planned"}
    assert groups[welders.name].totals == [3]
    assert groups["Kontor"].has_activity is False  # stands out on the page


def grow(t, copies):
    from django.utils import timezone

    from companies.models import CertificateType, EmployeeCertificate
    from tests.factories import AmuCourseFactory

    renewed, _ = CertificateType.objects.get_or_create(
        name="Truckcertifikat", defaults={"renewing_course": AmuCourseFactory()}
    )
    for n in range(copies):
        group = EmployeeGroupFactory(company=t["company_a"])
        employee = EmployeeFactory(company=t["company_a"], group=group)
        # Certificates to renew: the plan proposes their course (two queries, however
        # many there are).
        EmployeeCertificate.objects.create(
            employee=employee,
            type=renewed,
            issued_on=dt.date(2024, 1, 1),
            expires_on=timezone.localdate() + dt.timedelta(days=n),
        )
        activity = PlanActivityFactory(plan=t["plan_a"])
        activity.target_groups.add(group)
        activity.target_employees.add(employee)
        block = CourseBlockFactory(course=activity.amu_course)
        EnrollmentFactory(employee=employee, course_block=block, plan_activity=activity)
        PlanComment.objects.create(plan=t["plan_a"], author=t["hr"], body="…")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # session, user, plan, scope check, activities, 2 prefetches (groups, employees),
        # progress (targets ×2, enrollments), figures (activities, named, grouped),
        # goals, comments, next version, transitions' capability, edit check,
        # may view employees (4), the years' funding rates, certificates to renew and the
        # plan's activities of their renewing courses (2) (22)
        ("competence_plans:detail", 22),
        # session, user, plan, scope check, may view employees (4), activities + 2 prefetches,
        # targets (2), enrollments, employees (15)
        ("competence_plans:staff_matrix", 14),
    ],
)
def test_plan_pages_query_count_is_constant(client, tenants, name, expected):
    client.force_login(tenants["coordinator"])
    url = reverse(name, args=[tenants["plan_a"].pk])
    client.get(url)
    grow(tenants, 1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    small = len(queries)
    grow(tenants, 9)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert (small, len(queries)) == (expected, expected)
