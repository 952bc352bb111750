"""Evaluation results for a scope (a block, a plan, a partnership, a school), computed by
aggregate queries: a constant number of queries whatever the number of answers.

Figures for a group with fewer than EVALUATION_MIN_ANSWERS responses are withheld, and no
answer is ever shown with a name.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from evaluations.models import Answer, Invitation, Kind, Question, Response, Theme

# Index → (the kind it is answered in, its definition shown beside the figure).
INDEX_DEFINITIONS = {
    Theme.OUTCOME: (
        Kind.FOLLOW_UP,
        _(
            "Mean of the participants' follow-up answers (1–5) on how much they learned and "
            "whether they can use it at work. “Not relevant” is left out."
        ),
    ),
    Theme.TEACHING: (
        Kind.FOLLOW_UP,
        _(
            "Mean of the follow-up answers (1–5) on the teacher and on the form and content of "
            "the teaching."
        ),
    ),
    Theme.TRANSFER: (
        Kind.EFFECT,
        _(
            "Mean of the effect answers (1–5), 8–12 weeks after the course, on how often "
            "participants use what they learned and how far they now work differently."
        ),
    ),
    Theme.COMPANY_BENEFIT: (
        Kind.COMPANY,
        _(
            "Mean of the company's answers (1–5) on whether the training served the plan's "
            "goals and whether they see a change in the work."
        ),
    ),
}

KIND_ORDER = [Kind.MOTIVATION, Kind.FOLLOW_UP, Kind.EFFECT, Kind.COMPANY]


@dataclass
class QuestionResult:
    key: str
    text: str
    is_scale: bool
    low: str = ""
    high: str = ""
    distribution: list[int] = field(default_factory=lambda: [0] * 5)
    not_relevant: int = 0
    texts: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> float | None:
        if not self.count:
            return None
        return sum((n + 1) * c for n, c in enumerate(self.distribution)) / self.count

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(score, count, percent of the largest bar) for a bar chart."""
        peak = max(self.distribution) or 1
        return [(n + 1, c, round(100 * c / peak)) for n, c in enumerate(self.distribution)]


@dataclass
class KindResult:
    kind: str
    label: str
    invited: int = 0
    answered: int = 0
    hidden: bool = True
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        """Response rate in whole per cent."""
        return round(100 * self.answered / self.invited) if self.invited else None


@dataclass
class IndexResult:
    theme: str
    label: str
    definition: str
    value: float | None
    answers: int
    hidden: bool
    school_value: float | None = None

    @property
    def difference(self) -> float | None:
        if self.value is None or self.school_value is None:
            return None
        return self.value - self.school_value


@dataclass
class Results:
    kinds: list[KindResult]
    indices: list[IndexResult]
    themes: list[tuple[str, int]]
    min_answers: int

    @property
    def answered(self) -> int:
        return sum(k.answered for k in self.kinds)

    @property
    def invited(self) -> int:
        return sum(k.invited for k in self.kinds)


def _index_means(answers) -> dict[str, tuple[float | None, int]]:
    """theme → (mean score, number of scores), one query."""
    rows = (
        answers.filter(score__isnull=False, question__theme__in=list(INDEX_DEFINITIONS))
        .values("question__theme")
        .annotate(mean=Avg("score"), n=Count("score"))
    )
    return {row["question__theme"]: (row["mean"], row["n"]) for row in rows}


@dataclass
class Scope:
    """Which responses and which invitations a result covers."""

    responses: Q
    invitations: Q

    def for_companies(self, company_ids) -> "Scope":
        """Company users see their own company's answers only."""
        if company_ids is None:
            return self
        return Scope(
            self.responses & Q(company_id__in=company_ids),
            self.invitations & Q(company_id__in=company_ids),
        )


def scope_block(block) -> Scope:
    return Scope(Q(course_block=block), Q(course_block=block))


def scope_partnership(partnership) -> Scope:
    return Scope(Q(partnership=partnership), Q(partnership=partnership))


def scope_plan(plan) -> Scope:
    return Scope(Q(plan=plan), Q(enrollment__plan_activity__plan=plan))


def scope_school(school, start=None, end=None) -> Scope:
    """Blocks of the school that ended within the period."""
    q = Q(course_block__school=school)
    if start:
        q &= Q(course_block__end_date__gte=start)
    if end:
        q &= Q(course_block__end_date__lte=end)
    return Scope(q, q)


def results_for(
    scope: Scope, *, school_ids: list[int] | None = None, min_answers: int | None = None
) -> Results:
    """Results for the responses and invitations in `scope`. With `school_ids`, each
    index is compared with those schools' average. Six or seven queries in all."""
    min_answers = settings.EVALUATION_MIN_ANSWERS if min_answers is None else min_answers
    responses = Response.objects.filter(scope.responses)
    answers = Answer.objects.filter(response__in=responses)

    kinds = {k: KindResult(kind=k, label=Kind(k).label) for k in KIND_ORDER}
    for row in (
        Invitation.objects.filter(scope.invitations)
        .values("kind")
        .annotate(invited=Count("pk"), answered=Count("answered_at"))
    ):
        kinds[row["kind"]].invited = row["invited"]
    for row in responses.values("kind").annotate(n=Count("pk")):
        kinds[row["kind"]].answered = row["n"]
    for result in kinds.values():
        result.hidden = result.answered < min_answers

    # The newest wording of each question (its key is stable across versions).
    questions: dict[tuple[str, str], QuestionResult] = {}
    themes_of: dict[tuple[str, str], str] = {}
    for question in (
        Question.objects.filter(questionnaire__in=responses.values("questionnaire"))
        .select_related("questionnaire")
        .order_by("questionnaire__kind", "questionnaire__version", "position")
    ):
        key = (question.questionnaire.kind, question.key)
        questions[key] = QuestionResult(
            key=question.key,
            text=question.text,
            is_scale=question.is_scale,
            low=question.low,
            high=question.high,
        )
        themes_of[key] = question.theme
    positions = {key: n for n, key in enumerate(questions)}

    for row in answers.values("response__kind", "question__key", "score", "not_relevant").annotate(
        n=Count("pk")
    ):
        result = questions.get((row["response__kind"], row["question__key"]))
        if result is None:
            continue
        if row["not_relevant"]:
            result.not_relevant += row["n"]
        elif row["score"]:
            result.distribution[row["score"] - 1] += row["n"]

    visible_kinds = [k for k, r in kinds.items() if not r.hidden]
    free_text = (
        answers.filter(response__kind__in=visible_kinds, question__type=Question.Type.TEXT)
        .exclude(text="")
        .order_by("-response__submitted_at")
        .values_list("response__kind", "question__key", "text")[:500]
    )
    words: Counter = Counter()
    for kind, key, text in free_text:
        if (kind, key) in questions:
            questions[kind, key].texts.append(text)
        words.update(_words(text))

    for (kind, _key), result in sorted(questions.items(), key=lambda item: positions[item[0]]):
        kinds[kind].questions.append(result)

    means = _index_means(answers)
    school_means = (
        _index_means(Answer.objects.filter(response__school_id__in=school_ids))
        if school_ids
        else {}
    )
    indices = []
    for theme, (kind, definition) in INDEX_DEFINITIONS.items():
        value, count = means.get(theme, (None, 0))
        hidden = kinds[kind].hidden
        school_value, school_count = school_means.get(theme, (None, 0))
        indices.append(
            IndexResult(
                theme=theme,
                label=Theme(theme).label,
                definition=definition,
                value=None if hidden else value,
                answers=count,
                hidden=hidden,
                school_value=school_value if school_count >= min_answers else None,
            )
        )
    return Results(
        kinds=list(kinds.values()),
        indices=indices,
        themes=words.most_common(12) if visible_kinds else [],
        min_answers=min_answers,
    )


# Short function words in Danish and English; what is left of a free-text answer are the
# words that recur across answers and hint at its themes.
STOP_WORDS = {
    "alle",
    "andet",
    "andre",
    "efter",
    "eller",
    "noget",
    "meget",
    "ikke",
    "havde",
    "have",
    "blev",
    "bliver",
    "blive",
    "denne",
    "disse",
    "dette",
    "deres",
    "hvad",
    "hvor",
    "hvordan",
    "hvis",
    "kunne",
    "skulle",
    "mere",
    "mest",
    "også",
    "over",
    "siden",
    "sine",
    "sådan",
    "uden",
    "under",
    "være",
    "været",
    "vores",
    "mine",
    "dine",
    "kurset",
    "kursus",
    "arbejde",
    "arbejdet",
    "bruge",
    "brugt",
    "lært",
    "lære",
    "about",
    "after",
    "again",
    "also",
    "because",
    "been",
    "before",
    "being",
    "could",
    "does",
    "doing",
    "from",
    "having",
    "into",
    "more",
    "most",
    "much",
    "only",
    "other",
    "same",
    "should",
    "some",
    "such",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "very",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "with",
    "would",
    "your",
    "course",
    "work",
    "learned",
    "learn",
    "using",
    "used",
}


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-zæøåé]{4,}", text.lower()) if w not in STOP_WORDS]


def goals_reached(plan) -> list[dict]:
    """The plan's goals against what was reached: per goal, its activities' planned,
    enrolled and completed people (from the enrollments, not from the evaluations)."""
    from competence_plans.selectors import plan_progress

    activities = list(plan.activities.select_related("goal").order_by("position"))
    progress = plan_progress(plan, activities)
    by_goal: dict[int | None, list] = defaultdict(list)
    for activity in activities:
        by_goal[activity.goal_id].append(activity)
    rows = []
    for goal in plan.goals.order_by("position"):
        served = by_goal.get(goal.pk, [])
        rows.append(
            {
                "goal": goal,
                "activities": len(served),
                "planned": sum(progress[a.pk].planned for a in served),
                "enrolled": sum(progress[a.pk].enrolled for a in served),
                "completed": sum(progress[a.pk].completed for a in served),
            }
        )
    return rows
