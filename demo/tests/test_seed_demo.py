import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from companies.models import Company
from companies.validators import is_valid_cvr
from competence_plans.models import PlanActivity
from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo
from partnerships.models import Partnership
from scheduling.models import CourseBlock, Enrollment
from schools.models import AmuCourse, School

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["tovholder", "tovholder2", "leder", "underviser", "konsulent", "hr", "hr2", "admin"]


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "schools", "companies", "partnerships", "competence_plans"}
    }


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = row_counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert row_counts() == first
    assert "nothing to add" in out.getvalue()


def snapshot():
    return {
        "companies": list(Company.objects.order_by("cvr").values_list("cvr", "name")),
        "employees": sorted(
            Company.objects.values_list("cvr", "employees__name", "employees__education_level")
        ),
        "blocks": sorted(CourseBlock.objects.values_list("reference", "start_date", "capacity")),
        "enrollments": sorted(
            Enrollment.objects.values_list("employee__name", "course_block__reference", "status")
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_deterministic():
    today = dt.date(2026, 11, 27)
    seed_demo(today=today)
    first = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    seed_demo(today=today)
    assert snapshot() == first
    assert len(first["enrollments"]) > 100


def test_seed_demo_covers_the_domain():
    seed_demo()
    assert set(School.objects.values_list("name", flat=True)) == {
        "Århus Tekniske Skole",
        "AMU Syd",
        "AMU Nordjylland",
        "TEC",
    }
    assert AmuCourse.objects.count() >= 40
    assert AmuCourse.objects.values("fkb").distinct().count() >= 5
    assert not AmuCourse.objects.filter(is_sample=False).exists()  # flagged as sample data
    companies = Company.objects.all()
    assert companies.count() >= 12
    assert len({c.sector for c in companies}) >= 8
    assert all(is_valid_cvr(c.cvr) for c in companies)
    for company in companies:
        assert 10 <= company.employees.count() <= 80
        assert company.contacts.exists()
        assert company.employee_groups.exists()
    assert set(Partnership.objects.values_list("status", flat=True)) == set(Partnership.Status)
    assert set(PlanActivity.objects.values_list("kind", flat=True)) == set(PlanActivity.Kind)
    today = timezone.localdate()
    upcoming = CourseBlock.objects.filter(
        start_date__gte=today - dt.timedelta(days=7),
        start_date__lte=today + dt.timedelta(weeks=16),
    )
    assert upcoming.values("iso_week").distinct().count() >= 15
    assert Enrollment.objects.filter(course_block__in=upcoming).count() > 50
    assert set(DEMO_LOGINS) <= set(User.objects.values_list("username", flat=True))
    assert User.objects.get(username="admin").is_superuser


def test_every_demo_login_uses_the_demo_password():
    seed_demo()
    for username in DEMO_LOGINS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username


def test_scale_multiplies_the_volume():
    seed_demo(scale=2)
    assert Company.objects.count() == 24
    assert Partnership.objects.count() == 24


def test_scale_outside_range_is_refused_with_a_message():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 1 and 100"):
        call_command("seed_demo", "--scale", "0", stdout=StringIO())
