"""The page benchmark's arithmetic and its judgement of the targets (the benchmark itself
runs against gunicorn and PostgreSQL by `make bench-pages`, not in the suite)."""

import pytest

from demo import bench
from demo.seed import seed_demo


def row(median, p95=None, extra=10.0, **more):
    return {"median": median, "p95": p95 or median, "extra_ms": extra, **more}


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 21))  # 1..20
    assert bench.percentile(values, 0.95) == 19
    assert bench.percentile(values, 0.5) == 10
    assert bench.percentile([7.0], 0.95) == 7.0


def test_ratios_pair_each_page_with_the_trivial_page_timed_beside_it():
    timing = bench.Timing(page_ms=[20, 30, 100], trivial_ms=[10, 10, 50])
    assert timing.ratios == [2, 3, 2]
    assert timing.median == 2
    assert timing.extra_ms == 30 - 10


def test_targets_at_scale_10_are_5_times_median_and_6_times_p95():
    assert bench.misses({"10": {"r": {"p": row(5.0, 6.0)}}}) == []
    assert bench.misses({"10": {"r": {"p": row(5.01, 6.0)}}}) == [
        "scale 10, r, p: median 5.0× > 5.0×"
    ]
    assert len(bench.misses({"10": {"r": {"p": row(5.0, 6.01)}}})) == 1


def test_target_at_scale_30_is_6_times():
    assert bench.misses({"30": {"r": {"p": row(6.0, 9.0)}}}) == []
    assert len(bench.misses({"30": {"r": {"p": row(6.01)}}})) == 1


def test_growth_from_10_to_30_may_be_at_most_1_3_times_the_extra_time():
    def results(extra_at_30, **more):
        return {
            "10": {"r": {"p": row(2, extra=10.0)}},
            "30": {"r": {"p": row(2, extra=extra_at_30, **more)}},
        }

    assert bench.misses(results(13.0)) == []
    assert len(bench.misses(results(13.1))) == 1
    assert bench.misses(results(30.0, paged=True)) == []  # a paged list may show more


def test_throughput_floors_are_a_fifth_for_home_and_a_sixth_for_dashboards():
    def results(home, dashboard):
        return {
            "30": {
                "r": {
                    "throughput trivial": {"rps": 120.0},
                    "throughput home": {"rps": home},
                    "throughput dashboard": {"rps": dashboard},
                }
            }
        }

    assert bench.misses(results(24.0, 20.0)) == []
    assert len(bench.misses(results(23.9, 20.0))) == 1
    assert len(bench.misses(results(24.0, 19.9))) == 1


@pytest.mark.django_db
def test_each_role_gets_its_own_pages_with_their_query_counts():
    seed_demo()
    from accounts.models import User

    coordinator = User.objects.get(username="tovholder")
    pages = bench._in_process(coordinator, None, bench.candidate_pages(coordinator))
    labels = {label for label, _path, _queries in pages}
    assert {"home", "dashboard", "week plan", "partnership", "block", "enrol"} <= labels
    assert "retention" not in labels  # administrators only
    assert all(queries > 0 for _label, _path, queries in pages)
    hr = User.objects.get(username="hr")
    hr_labels = {
        label for label, _path, _q in bench._in_process(hr, None, bench.candidate_pages(hr))
    }
    assert "company dashboard" in hr_labels
    assert not hr_labels & {"dashboard", "week plan", "conflicts"}
