import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet

from core import ics
from partnerships.models import Experience, Meeting


def meeting_list(meetings: QuerySet[Meeting], *, filters: dict, now) -> QuerySet[Meeting]:
    when = filters.get("when") or "upcoming"
    if when == "upcoming":
        meetings = meetings.filter(starts_at__gte=now).order_by("starts_at", "pk")
    elif when == "past":
        meetings = meetings.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    else:
        meetings = meetings.order_by("-starts_at", "-pk")
    if kind := filters.get("kind"):
        meetings = meetings.filter(kind=kind)
    return meetings.select_related("partnership__company")


def experience_search(experiences: QuerySet[Experience], *, filters: dict) -> QuerySet[Experience]:
    """Full-text search in Danish on PostgreSQL (stemming, ranking); on SQLite every
    word must appear in the title or the text."""
    if theme := filters.get("theme"):
        experiences = experiences.filter(themes=theme)
    if school := filters.get("school"):
        experiences = experiences.filter(school=school)
    if partnership := filters.get("partnership"):
        experiences = experiences.filter(partnership=partnership)
    experiences = experiences.select_related("author", "school", "partnership__company")
    query = (filters.get("q") or "").strip()
    if not query:
        return experiences.order_by("-created_at", "-pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="danish") + SearchVector(
            "body", weight="B", config="danish"
        )
        search = SearchQuery(query, config="danish", search_type="websearch")
        return (
            experiences.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at", "-pk")
        )
    for word in query.split():
        experiences = experiences.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return experiences.order_by("-created_at", "-pk")


def upcoming_meetings(meetings: QuerySet[Meeting], *, now, limit: int = 5) -> list[Meeting]:
    return list(
        meetings.filter(starts_at__gte=now, cancelled_at__isnull=True)
        .select_related("partnership__company")
        .order_by("starts_at", "pk")[:limit]
    )


def meeting_ics(meeting: Meeting, *, host: str) -> bytes:
    ends = meeting.ends_at or meeting.starts_at + dt.timedelta(hours=1)
    return ics.calendar(
        [
            ics.CalendarEvent(
                uid=f"meeting-{meeting.pk}@{host}",
                start=meeting.starts_at,
                end=ends,
                summary=meeting.title,
                location=meeting.place,
                description=meeting.agenda,
                cancelled=meeting.cancelled_at is not None,
            )
        ]
    )
