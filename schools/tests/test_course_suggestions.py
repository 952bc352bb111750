"""Course suggestions for a competence goal: which words count, and which courses come
first, on SQLite's simple search and on PostgreSQL's Danish full-text search."""

import pytest

from schools import search
from schools.models import AmuCourse
from schools.search import MAX_WORDS, course_suggestions, stem_of, words_of
from tests.factories import AmuCourseFactory, FkbFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    welding = FkbFactory(title="Svejsning og termisk skæring")
    logistics = FkbFactory(title="Gods- og lagerlogistik")
    common = FkbFactory(title="Fælles kompetencer og digitalisering")
    courses = {
        "mig": AmuCourseFactory(
            number="40201", title="MIG/MAG-svejsning, grundlæggende", fkb=welding
        ),
        "tig": AmuCourseFactory(
            number="40202", title="TIG-svejsning af rustfrit stål", fkb=welding
        ),
        "plasma": AmuCourseFactory(
            number="40204", title="Termisk skæring, plasma og autogen", fkb=welding
        ),
        "truck": AmuCourseFactory(number="45073", title="Gaffeltruck, certifikat", fkb=logistics),
        "wms": AmuCourseFactory(number="45080", title="Lagerstyring med WMS", fkb=logistics),
        "aid": AmuCourseFactory(number="44903", title="Førstehjælp på arbejdspladsen", fkb=common),
        "old": AmuCourseFactory(
            number="40100", title="Svejsning, udgået", fkb=welding, active=False
        ),
    }
    return courses


def test_the_words_worth_searching_for():
    assert words_of("Alle svejsere skal kunne MIG/MAG-svejse i 2027, alle!") == [
        "svejsere",
        "mig",
        "mag",
        "svejse",
    ]
    assert words_of("i og på 42 ab") == []
    assert len(words_of(" ".join(f"ord{chr(97 + n)}x" for n in range(20)))) == MAX_WORDS


def test_a_stem_keeps_at_least_four_letters():
    assert stem_of("svejsere") == "svejs"
    assert stem_of("truck") == "truc"
    assert stem_of("olie") == "olie"
    assert stem_of("svejsning") == "svejsn"


def test_welding_goals_put_the_welding_courses_first(catalogue):
    found = course_suggestions("Alle svejsere skal kunne MIG/MAG-svejsning")
    assert found[0] == catalogue["mig"]
    assert set(found[:3]) == {catalogue["mig"], catalogue["tig"], catalogue["plasma"]}
    assert catalogue["truck"] not in found and catalogue["aid"] not in found


def test_a_course_no_longer_offered_is_never_suggested(catalogue):
    assert catalogue["old"] not in course_suggestions("svejsning")


def test_a_goal_without_searchable_words_suggests_nothing(catalogue):
    assert course_suggestions("") == []
    assert course_suggestions("Vi vil i 2027 og 2028") == []


def test_the_number_of_suggestions_is_limited(catalogue):
    assert len(course_suggestions("svejsning skæring", limit=2)) == 2


def test_the_fkb_title_counts_less_than_the_course_title(catalogue):
    """ "Lager" is in the title of the WMS course and in the FKB of the forklift course."""
    found = course_suggestions("lager")
    assert found[:2] == [catalogue["wms"], catalogue["truck"]]


@pytest.mark.postgres
def test_on_postgresql_svejsning_ranks_the_welding_courses_first(catalogue):
    found = course_suggestions("Medarbejderne skal lære svejsning")
    assert found[:2] in (
        [catalogue["mig"], catalogue["tig"]],
        [catalogue["tig"], catalogue["mig"]],
    )
    assert found[2] == catalogue["plasma"]  # through its FKB only
    assert catalogue["old"] not in found


@pytest.mark.postgres
def test_on_postgresql_a_misspelling_is_caught_by_similarity(catalogue):
    assert course_suggestions("gaffeltrukker")[0] == catalogue["truck"]


def test_the_simple_search_counts_three_words_in_the_fkb_over_one_in_a_title(catalogue):
    """SQLite's search (any database runs it): the forklift course's FKB holds "gods",
    "lager" and "logistik" (3), the first-aid course's title "førstehjælp" (2), the WMS
    course both (2 + 1 + 1)."""
    courses = AmuCourse.objects.filter(active=True).select_related("fkb")
    found = search._by_stems(courses, words_of("gods, lager og logistik; førstehjælp"), 8)
    assert found[:3] == [catalogue["wms"], catalogue["truck"], catalogue["aid"]]
