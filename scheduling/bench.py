"""`make bench-scheduler`: the planner against the greedy baseline on generated plans.

Instances are made in memory (no database), seeded, so every run solves the same ones: a
school of 20 teachers over 26 weeks, 15 courses of 1 to 5 days (each teacher qualified for
four), existing blocks with free seats in a third of the course weeks, activities for
groups of 3 to 12 people from groups of 20 of whom at most six may be away in one week,
each activity planned over 8 to 16 weeks, and a few activities that follow another.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass

from scheduling import planner

TEACHERS = 20
WEEKS = 26
COURSES = 15
START = dt.date(2027, 1, 4)


@dataclass(frozen=True)
class Row:
    activities: int
    people: int
    seconds: float
    status: str
    placed: int
    new_blocks: int
    seats_filled: int
    greedy_placed: int
    greedy_new_blocks: int
    greedy_seats_filled: int


def instance(activities: int, seed: int = 1) -> planner.Instance:
    rng = random.Random(seed)
    qualified = {c: rng.sample(range(1, TEACHERS + 1), 4) for c in range(COURSES)}
    days = {c: rng.randint(1, 5) for c in range(COURSES)}
    # The teachers' own existing blocks: each teaches in a fifth of the weeks already.
    busy_teacher = {t: set(rng.sample(range(WEEKS), WEEKS // 5)) for t in range(1, TEACHERS + 1)}
    existing = {}
    block_id = 1000
    for course in range(COURSES):
        for week in rng.sample(range(WEEKS), WEEKS // 3):
            existing[course, week] = (block_id, rng.randint(2, 10))
            block_id += 1
    groups, next_person, acts = [], 1, []
    for n in range(activities):
        if n % 4 == 0:
            members = frozenset(range(next_person, next_person + 20))
            next_person += 20
            groups.append(planner.Group(len(groups) + 1, f"Gruppe {len(groups) + 1}", members, 6))
        group = groups[-1]
        course = rng.randrange(COURSES)
        people = tuple(sorted(rng.sample(sorted(group.members), rng.randint(3, 12))))
        first = rng.randint(0, WEEKS - 16)
        last = min(WEEKS - 1, first + rng.randint(8, 16))
        options = []
        for week in range(first, last + 1):
            monday = START + dt.timedelta(weeks=week)
            end = monday + dt.timedelta(days=days[course] - 1)
            iso = tuple(monday.isocalendar()[:2])
            if (course, week) in existing:
                block, seats = existing[course, week]
                options.append(
                    planner.Option(f"b{block}", iso, monday, end, block=block, seats=seats)
                )
            free = tuple(t for t in qualified[course] if week not in busy_teacher[t])
            if free:
                options.append(
                    planner.Option(
                        f"w{week}", iso, monday, end, teachers=free, slot=f"c{course}-w{week}"
                    )
                )
        after = acts[-1].id if n % 10 == 9 and acts else None
        acts.append(
            planner.Activity(n + 1, f"A{n + 1}", people, tuple(options), after, (group.id,), course)
        )
    return planner.Instance(tuple(acts), groups=tuple(groups), capacity=16, minimum=4)


def _seats(result: planner.Result) -> int:
    """People put on existing blocks: seats filled that would otherwise stay empty."""
    return sum(len(p.employees) for p in result.placements if not p.is_new)


def run(sizes=(10, 50, 200), *, time_limit: float = 20, workers: int = 2) -> list[Row]:
    rows = []
    for size in sizes:
        problem = instance(size)
        started = time.monotonic()
        result = planner.solve(problem, time_limit=time_limit, workers=workers)
        seconds = time.monotonic() - started
        baseline = planner.greedy(problem)
        rows.append(
            Row(
                activities=size,
                people=sum(len(a.employees) for a in problem.activities),
                seconds=seconds,
                status=result.status,
                placed=result.placed,
                new_blocks=result.new_blocks,
                seats_filled=_seats(result),
                greedy_placed=baseline.placed,
                greedy_new_blocks=baseline.new_blocks,
                greedy_seats_filled=_seats(baseline),
            )
        )
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| activities | people | solve s | result | placed | new blocks | seats on existing "
        "blocks | greedy placed | greedy new blocks | greedy seats on existing | fewer blocks |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        fewer = 1 - r.new_blocks / r.greedy_new_blocks if r.greedy_new_blocks else 0
        lines.append(
            f"| {r.activities} | {r.people} | {r.seconds:.1f} | {r.status} | "
            f"{r.placed} ({r.placed / r.people:.0%}) | {r.new_blocks} | {r.seats_filled} | "
            f"{r.greedy_placed} ({r.greedy_placed / r.people:.0%}) | {r.greedy_new_blocks} | "
            f"{r.greedy_seats_filled} | {fewer:.0%} |"
        )
    return "\n".join(lines)
