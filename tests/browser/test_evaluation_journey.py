"""An employee answers on a phone from a token link; the coordinator sees the result and
downloads the evaluation report PDF."""

import pytest
from django.db.models import Count

from config.celery import app as celery_app
from demo.seed import seed_demo
from evaluations.models import Kind, Response
from evaluations.tests.helpers import answer, invite
from scheduling.models import CourseBlock

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def eager_reports():
    """The PDF is rendered in the request here; real workers are tested in reports/."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def fill_follow_up(page, invitation, text):
    for question in invitation.questionnaire.questions.all():
        if question.is_scale:
            page.locator(f"label[for=id_q{question.pk}_3]").click()  # the fourth choice: 4
    page.get_by_label("6. Hvad vil du bruge først?").fill(text)


def test_employee_answers_on_a_phone_and_the_coordinator_reports(
    page_for, live_server, eager_reports
):
    seed_demo()
    block = (
        CourseBlock.objects.filter(
            enrollments__plan_activity__plan__partnership__coordinator__username="tovholder"
        )
        .annotate(n=Count("enrollments"))
        .filter(n__gte=4)
        .order_by("start_date", "pk")
        .first()
    )
    same_block = list(
        block.enrollments.select_related("employee", "plan_activity__plan").order_by("pk")
    )
    partnership = same_block[0].plan_activity.plan.partnership
    enrollments = same_block
    for enrollment in same_block[1:3]:
        enrollment.invitations.filter(kind=Kind.FOLLOW_UP).delete()
        answer(invite(enrollment), {"learned": 5, "teacher": 4})
    mine = same_block[0]
    mine.invitations.filter(kind=Kind.FOLLOW_UP).delete()
    invitation = invite(mine)
    before = Response.objects.count()

    # The employee, on a phone, without logging in.
    phone = page_for(locale="da-DK", viewport=PHONE)
    phone.goto(f"{live_server.url}/evaluations/answer/{invitation.token}/")
    phone.get_by_role("heading", level=1, name="Evaluering af kurset").wait_for()
    assert mine.employee.name not in phone.content()
    phone.get_by_role("button", name="Send svar").click()
    phone.get_by_text("Nogle svar mangler").wait_for()  # nothing chosen yet
    assert Response.objects.count() == before
    fill_follow_up(phone, invitation, "Den nye svejsetang i morgen")
    screenshot(phone, "evaluation-answer-phone-da")
    phone.get_by_role("button", name="Send svar").click()
    phone.get_by_role("heading", level=1, name="Tak for dine svar").wait_for()
    assert Response.objects.count() == before + 1
    phone.goto(f"{live_server.url}/evaluations/answer/{invitation.token}/")
    phone.get_by_role("heading", level=1, name="Evalueringen er allerede besvaret").wait_for()

    # The same form in English, for a screenshot of the other language.
    english = page_for(locale="en-GB", viewport=PHONE)
    enrollments[-1].invitations.filter(kind=Kind.EFFECT).delete()
    other = invite(enrollments[-1], Kind.EFFECT)
    english.goto(f"{live_server.url}/evaluations/answer/{other.token}/")
    english.get_by_role("heading", level=1, name="What do you use from the course?").wait_for()
    screenshot(english, "evaluation-answer-phone-en")

    # The coordinator sees the answer among the others and takes the PDF.
    page = page_for(locale="da-DK")
    log_in(page, live_server.url, "tovholder")
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Evaluering", exact=True).click()
    page.get_by_role("heading", level=1).wait_for()
    assert "Den nye svejsetang i morgen" in page.content()
    assert page.get_by_role("heading", name="Indeks").is_visible()
    screenshot(page, "evaluation-results-da")
    page.get_by_role("button", name="Evalueringsrapport (PDF)").click()
    link = page.get_by_role("link", name="Hent PDF")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
