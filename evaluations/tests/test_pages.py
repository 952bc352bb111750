"""Conclusion, QR sheet, questionnaire editing and the evaluation report PDF."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import SchoolRole
from evaluations import selectors
from evaluations.models import Conclusion, Kind, Questionnaire
from evaluations.tests.helpers import answer, block_with_participants, invite
from reports.models import ReportJob
from reports.services import report_render, report_request
from tests.factories import SchoolMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated():
    block, enrollments = block_with_participants(3)
    for n, enrollment in enumerate(enrollments):
        answer(
            invite(enrollment),
            {"learned": 4 + n % 2, "teacher": 5, "can_use": 4},
            {"use_first": f"Rørsvejsning nummer {n}"},
        )
    partnership = enrollments[0].plan_activity.plan.partnership
    partnership.coordinator = SchoolMembershipFactory(school=block.school).user
    partnership.save()
    return block, partnership


def test_coordinator_writes_the_conclusion_and_an_empty_one_is_refused(client, evaluated):
    _block, partnership = evaluated
    client.force_login(partnership.coordinator)
    url = reverse("evaluations:conclusion", args=[partnership.pk])
    response = client.post(url, {"text": ""}, follow=True)
    assert "Konklusionen blev ikke gemt" in response.content.decode()
    assert not Conclusion.objects.exists()
    client.post(url, {"text": "Holdet lærte meget; mere praksis næste gang."})
    page = client.get(reverse("evaluations:partnership", args=[partnership.pk]))
    assert "mere praksis næste gang" in page.content.decode()
    assert Conclusion.objects.get().updated_by == partnership.coordinator


def test_sheet_has_one_qr_code_per_open_link(client, evaluated):
    block, _partnership = evaluated
    _b, (extra,) = block_with_participants(1, partnership=_partnership)
    open_invitation = invite(extra)
    sheet_block = extra.course_block
    client.force_login(SchoolMembershipFactory(school=sheet_block.school).user)
    html = client.get(reverse("evaluations:sheet", args=[sheet_block.pk])).content.decode()
    assert html.count("<svg") == 1
    assert open_invitation.token in html and extra.employee.name in html
    answered_html = client.get(reverse("evaluations:sheet", args=[block.pk])).content.decode()
    assert "<svg" not in answered_html, "answered links are not printed again"


def test_leader_saves_a_new_version_and_bad_input_is_marked(client, evaluated):
    block, _partnership = evaluated
    leader = SchoolMembershipFactory(school=block.school, role=SchoolRole.LEADER).user
    client.force_login(leader)
    url = reverse("evaluations:questionnaire_edit", args=[block.school_id, Kind.FOLLOW_UP])
    page = client.get(url)
    formset = page.context["formset"]
    data = {"title_da": "Vores kursusevaluering", "title_en": "Our course evaluation"}
    data.update(
        {
            "form-TOTAL_FORMS": str(len(formset.forms)),
            "form-INITIAL_FORMS": str(formset.initial_form_count()),
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "30",
        }
    )
    for n, form in enumerate(formset.forms):
        for name, value in (form.initial or {}).items():
            if isinstance(value, bool):
                if value:
                    data[f"form-{n}-{name}"] = "on"
            else:
                data[f"form-{n}-{name}"] = value
    last = len(formset.forms) - 1
    data.update(
        {
            f"form-{last}-type": "scale",
            f"form-{last}-theme": "outcome",
            f"form-{last}-text_da": "Fik du nok øvetid?",
            f"form-{last}-text_en": "Did you get enough practice?",
        }
    )
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Et skalaspørgsmål skal have tekst ved begge ender" in refused.content.decode()
    data.update({f"form-{last}-low_da": "Nej", f"form-{last}-high_da": "Ja"})
    assert client.post(url, data).status_code == 302
    own = Questionnaire.objects.get(kind=Kind.FOLLOW_UP, school=block.school)
    assert own.version == 1 and own.questions.count() == 8
    assert own.questions.get(key="learned").text_da == "Hvor meget har du lært på kurset?"
    default = Questionnaire.objects.get(kind=Kind.FOLLOW_UP, school=None)
    assert default.is_current and default.questions.count() == 7
    # Earlier answers keep the default version and still count under the same key.
    results = selectors.results_for(selectors.scope_block(block))
    learned = next(q for k in results.kinds for q in k.questions if q.key == "learned")
    assert learned.count == 3
    assert client.post(url, {**data, "title_en": ""}).status_code == 400
    assert Questionnaire.objects.filter(school=block.school).count() == 1


@pytest.mark.pdf
def test_evaluation_report_pdf_holds_figures_texts_goals_and_conclusion(evaluated):
    _block, partnership = evaluated
    Conclusion.objects.create(
        partnership=partnership,
        text="Konklusion: godt udbytte.",
        updated_by=partnership.coordinator,
    )
    job = report_request(
        by=partnership.coordinator,
        kind=ReportJob.Kind.EVALUATION,
        subject=partnership,
        language="da",
    )
    job = report_render(job_id=job.pk)
    assert job.status == "done", job.error
    job.file.open("rb")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Evalueringsrapport" in text
    assert partnership.company.name in text
    assert "Hvor meget har du lært på kurset?" in text
    assert "Rørsvejsning nummer 2" in text
    assert "Konklusion: godt udbytte." in text
    assert "Planens mål og hvad der blev nået" in text
    for response in partnership.evaluation_responses.select_related("invitation__enrollment"):
        assert response.invitation.enrollment.employee.name not in text


def test_evaluation_report_follows_new_answers(evaluated):
    _block, partnership = evaluated
    first = report_request(
        by=partnership.coordinator, kind="evaluation", subject=partnership, language="da"
    )
    same = report_request(
        by=partnership.coordinator, kind="evaluation", subject=partnership, language="da"
    )
    assert same.pk == first.pk
    _b, (late,) = block_with_participants(1, partnership=partnership)
    answer(invite(late), {"learned": 2})
    newer = report_request(
        by=partnership.coordinator, kind="evaluation", subject=partnership, language="da"
    )
    assert newer.pk != first.pk


@pytest.mark.pdf
def test_school_report_over_a_period_and_only_for_the_schools_people(client, evaluated):
    block, _partnership = evaluated
    leader = SchoolMembershipFactory(school=block.school, role=SchoolRole.LEADER).user
    client.force_login(leader)
    start = reverse("reports:start", args=[ReportJob.Kind.SCHOOL_EVALUATION, block.school_id])
    refused = client.post(start, {"start": "2026-12-01", "end": "2026-01-01"}, follow=True)
    assert "Slutdatoen er før startdatoen." in refused.content.decode()
    assert not ReportJob.objects.exists()
    response = client.post(start, {"start": "2026-01-01", "end": "2026-12-31"})
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:status", args=[job.pk])
    assert (job.school, job.partnership, job.period_start.isoformat()) == (
        block.school,
        None,
        "2026-01-01",
    )
    job = report_render(job_id=job.pk)  # what the worker does (on_commit never fires here)
    assert job.status == "done", job.error
    job.file.open("rb")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Skolens evalueringsrapport" in text and block.school.name in text
    assert "Rørsvejsning nummer 1" in text

    outsider = SchoolMembershipFactory(role=SchoolRole.LEADER).user
    client.force_login(outsider)
    assert client.get(reverse("reports:status", args=[job.pk])).status_code == 404
    assert client.post(start, {}).status_code == 404
    client.force_login(leader)
    download = client.get(reverse("reports:download", args=[job.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]


@pytest.mark.pdf
def test_a_period_without_blocks_gives_an_empty_but_valid_school_report(evaluated):
    block, _partnership = evaluated
    leader = SchoolMembershipFactory(school=block.school, role=SchoolRole.LEADER).user
    job = report_request(
        by=leader,
        kind=ReportJob.Kind.SCHOOL_EVALUATION,
        subject=block.school,
        language="en",
        period=(dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    )
    job = report_render(job_id=job.pk)
    job.file.open("rb")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "School evaluation report" in text and "No answers yet." in text
    assert "Rørsvejsning" not in text
