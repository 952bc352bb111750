"""Moving course blocks, calendar feeds and enrollments into this app changed
Django's state only: the rows stay in their tables, and content types (which
notifications point through) follow the models there and back."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from scheduling.models import CalendarFeed, CourseBlock, Enrollment
from tests.factories import CourseBlockFactory, EnrollmentFactory, UserFactory

# The last migration of each app before the move.
BEFORE_MOVE = [
    ("scheduling", None),
    ("schools", "0003_amu_number_ascii_digits"),
    ("competence_plans", "0003_plan_proposed_at"),
    ("evaluations", "0002_default_questionnaires"),
]
TABLES = ("schools_courseblock", "schools_calendarfeed", "competence_plans_enrollment")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        return counts


@pytest.mark.django_db(transaction=True)
def test_rows_and_content_types_survive_the_move_back_and_forth():
    teacher = UserFactory()
    block = CourseBlockFactory(teachers=[teacher], capacity=12)
    EnrollmentFactory.create_batch(3, course_block=block)
    CalendarFeed.objects.create(user=teacher)
    block_type = ContentType.objects.get_for_model(CourseBlock)
    Notification.objects.create(
        recipient=teacher,
        kind="block_thin",
        target_type=block_type,
        target_id=str(block.pk),
        target_repr=str(block),
        url=f"/schools/blocks/{block.pk}/",
    )
    before = _row_counts()
    assert before == {
        "schools_courseblock": 1,
        "schools_calendarfeed": 1,
        "competence_plans_enrollment": 3,
    }

    try:
        old_apps = _migrate(BEFORE_MOVE)
        assert _row_counts() == before
        old_block_model = old_apps.get_model("schools", "CourseBlock")
        old_block = old_block_model.objects.get()
        assert old_block.capacity == 12
        assert old_block.teachers.count() == 1
        assert old_apps.get_model("competence_plans", "Enrollment").objects.count() == 3
        assert old_apps.get_model("schools", "CalendarFeed").objects.count() == 1
        old_type = old_apps.get_model("contenttypes", "ContentType").objects.get(pk=block_type.pk)
        assert (old_type.app_label, old_type.model) == ("schools", "courseblock")
    finally:
        _migrate(_latest())
        ContentType.objects.clear_cache()

    assert _row_counts() == before
    notification = Notification.objects.get()
    assert notification.target_type.app_label == "scheduling"
    assert notification.target_type.get_object_for_this_type(pk=block.pk) == block
    assert Enrollment.objects.filter(course_block=block).count() == 3
    assert CourseBlock.objects.get().teachers.get() == teacher
    # One content type per moved model, none left behind under the old app.
    assert not ContentType.objects.filter(
        app_label__in=["schools", "competence_plans"],
        model__in=["courseblock", "calendarfeed", "enrollment"],
    ).exists()
