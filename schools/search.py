"""Which AMU courses fit a text: the course suggestions for a competence goal.

On PostgreSQL, full-text search in Danish over the course title (weighted first) and its
FKB's title, so "svejsning", "svejsere" and "MIG/MAG-svejsning" meet on their stem, ranked
by `ts_rank`; when no word matches that way, trigram similarity of the words to the
titles catches misspellings ("svejsnig"). On SQLite (the embedded default) a simpler
search: each word's stem as a substring of the titles, a hit in the course title counting
twice one in the FKB's.
"""

import re
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Replace

from schools.models import AmuCourse

MAX_WORDS = 12
SIMILARITY = 0.4
# Words of a goal that say nothing about a course.
_STOP_WORDS = """
af alle andre at bliver de deres dem den der det efter eller en er et for fra få gennem har
hele hos hver ikke kan kunne med mere mod nye ny når og om op på sig skal som så til ud under
ved vi vil være vores all and are can for from has have the their they this to with will our
new
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def words_of(text: str) -> list[str]:
    """The words of `text` worth searching for: three letters or more, not a stop word,
    each once, at most twelve."""
    words = []
    for word in re.findall(r"[^\W\d_]{3,}", text.lower()):
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def stem_of(word: str) -> str:
    """A crude Danish stem for the SQLite search: the word without its last three
    letters, but at least four ("svejsere" → "svejs", "truck" → "truc")."""
    return word[: max(4, len(word) - 3)]


def course_suggestions(text: str, *, limit: int = 8) -> list[AmuCourse]:
    words = words_of(text)
    if not words:
        return []
    courses = AmuCourse.objects.filter(active=True).select_related("fkb")
    if connection.vendor == "postgresql":
        return _full_text(courses, words, limit) or _similar(courses, words, limit)
    return _by_stems(courses, words, limit)


def _full_text(courses, words, limit) -> list[AmuCourse]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # "MIG/MAG-svejsning" would be read as a file path, one token; with the slash a
    # space it is "MIG", "MAG-svejsning", "MAG" and "svejsning".
    vector = SearchVector(
        Replace("title", Value("/"), Value(" ")), weight="A", config="danish"
    ) + SearchVector(Replace("fkb__title", Value("/"), Value(" ")), weight="B", config="danish")
    # A word or its stem as a prefix ("svejs:*" finds "svejsning" from "svejsere"); the
    # words are letters only, so the raw query cannot be malformed.
    query = reduce(
        or_,
        (
            SearchQuery(word, config="danish")
            | SearchQuery(f"{stem_of(word)}:*", config="danish", search_type="raw")
            for word in words
        ),
    )
    return list(
        courses.annotate(rank=SearchRank(vector, query))
        .filter(rank__gt=0)
        .order_by("-rank", "number")[:limit]
    )


def _similar(courses, words, limit) -> list[AmuCourse]:
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models.functions import Greatest

    similarities = [TrigramWordSimilarity(word, "title") for word in words]
    similarity = Greatest(*similarities) if len(similarities) > 1 else similarities[0]
    return list(
        courses.annotate(similarity=similarity)
        .filter(similarity__gte=SIMILARITY)
        .order_by("-similarity", "number")[:limit]
    )


def _by_stems(courses, words, limit) -> list[AmuCourse]:
    stems = [stem_of(word) for word in words]
    matching = courses.filter(
        reduce(or_, (Q(title__icontains=s) | Q(fkb__title__icontains=s) for s in stems))
    )

    def score(course):
        title, fkb = course.title.lower(), course.fkb.title.lower()
        return sum(2 if s in title else 1 if s in fkb else 0 for s in stems)

    ranked = sorted(matching, key=lambda c: (-score(c), c.number))
    return ranked[:limit]
