"""The planner that proposes course blocks for a plan's AMU activities.

Pure: it reads an `Instance` (built from the database by `scheduling.proposals`) and
returns a `Result`, without touching the database, so small instances with a known best
schedule can be tested directly. Google OR-Tools' CP-SAT does the search.

Hard rules are constraints, never costs: a person is never in two blocks at once, a
teacher never teaches two blocks at once and only courses they are qualified for, a block
never lies in a company's blackout week, on days the school is closed or outside the
activity's period, an existing block is never filled beyond its free seats, an employee
group never has more people away in one week than the company allows, and an activity
that comes after another starts after it ends. What the coordinator prefers is the
objective, weighted in this order (`settings.PLANNER_WEIGHTS`): place everyone, open few
new blocks (join existing ones), fill blocks to their minimum, spread absences over the
weeks, plan earlier rather than later, and give one group's courses the same teacher.

The greedy baseline (earliest feasible week, first fit) is here too: it is the warm start
the solver improves on, and the yardstick of `make bench-scheduler`.
"""

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

Week = tuple[int, int]

# In the order the objective ranks them; each weight dwarfs what the terms after it can
# add up to on a plan of realistic size.
DEFAULT_WEIGHTS = {
    "placed": 1_000_000,  # per person placed on a block for an activity
    "new_block": 20_000,  # per new block opened
    "below_minimum": 2_000,  # per participant a block lacks to reach its minimum
    "peak_week": 200,  # per person away in the busiest week
    "later": 10,  # per week a block lies after the earliest possible one
    "teachers_per_group": 5,  # per extra teacher one group meets
}


@dataclass(frozen=True)
class Option:
    """One place an activity's people can go: an existing block (`block`) or new blocks
    starting in `week` (taught by one of `teachers`)."""

    key: str
    week: Week
    start: dt.date
    end: dt.date
    block: int | None = None
    seats: int = 0  # an existing block's free seats for this company
    missing: int = 0  # people an existing block lacks to reach its minimum
    teachers: tuple[int, ...] = ()  # qualified and free on these days (new blocks)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and start <= self.end

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def weeks(self) -> set[Week]:
        return {tuple(day.isocalendar()[:2]) for day in self.days}


@dataclass(frozen=True)
class Activity:
    id: int
    name: str
    employees: tuple[int, ...]
    options: tuple[Option, ...]
    after: int | None = None  # an activity of this instance that must end first
    groups: tuple[int, ...] = ()  # its target groups (one teacher per group is preferred)


@dataclass(frozen=True)
class Group:
    """An employee group with a limit on how many may be away in one week; `away` counts
    the members already away in a week on blocks outside this proposal."""

    id: int
    name: str
    members: frozenset[int]
    limit: int
    away: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Fix:
    """The coordinator's pin: these people take this activity in this week."""

    activity: int
    employees: tuple[int, ...]
    week: Week


@dataclass(frozen=True)
class Instance:
    activities: tuple[Activity, ...]
    groups: tuple[Group, ...] = ()
    busy: dict = field(default_factory=dict)  # employee -> ((start, end), ...) elsewhere
    capacity: int = 16
    minimum: int = 0
    fixes: tuple[Fix, ...] = ()


@dataclass(frozen=True)
class Placement:
    """One proposed block: a new one (teacher) or an existing one joined (option.block)."""

    activity: int
    option: Option
    employees: tuple[int, ...]
    teacher: int | None = None

    @property
    def is_new(self) -> bool:
        return self.option.block is None


@dataclass
class Result:
    status: str  # "optimal", "feasible", "infeasible" (the pins cannot all hold)
    placements: list[Placement]
    unplaced: dict[int, list[int]]  # activity -> people no schedule could place
    seconds: float = 0.0
    solutions: int = 0

    @property
    def new_blocks(self) -> int:
        return sum(1 for p in self.placements if p.is_new)

    @property
    def placed(self) -> int:
        return sum(len(p.employees) for p in self.placements)


def is_busy(instance: Instance, employee: int, option: Option) -> bool:
    return any(option.overlaps(start, end) for start, end in instance.busy.get(employee, ()))


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[int, float], None] | None):
        super().__init__()
        self.report, self.count = report, 0

    def on_solution_callback(self):
        self.count += 1
        if self.report:
            self.report(self.count, self.wall_time)


class _Model:
    """The CP-SAT model of one instance, with the variables the result is read from."""

    def __init__(self, instance: Instance, weights: dict):
        self.instance, self.weights = instance, weights
        self.model = cp_model.CpModel()
        self.x = {}  # (employee, activity, option key) -> bool
        self.blocks = {}  # (activity, option key) -> int: new blocks opened there
        self.teach = {}  # (activity, option key, teacher) -> bool
        self.used = {}  # (activity, option key) -> bool
        self.placed = {}  # (employee, activity) -> bool
        self._build()

    def _build(self):
        m, inst = self.model, self.instance
        per_day = defaultdict(list)  # (employee, day) -> x
        teacher_day = defaultdict(list)  # (teacher, day) -> teach
        on_block = defaultdict(list)  # existing block -> x
        per_week = defaultdict(list)  # week -> x (everyone of the plan)
        self.covering = defaultdict(list)  # (employee, week) -> x
        costs = []
        first_week = min(
            (o.start for a in inst.activities for o in a.options), default=dt.date.today()
        )
        for activity in inst.activities:
            for employee in activity.employees:
                choices = []
                for option in activity.options:
                    if is_busy(inst, employee, option):
                        continue
                    var = m.new_bool_var(f"x{employee}_{activity.id}_{option.key}")
                    self.x[employee, activity.id, option.key] = var
                    choices.append(var)
                    for day in option.days:
                        per_day[employee, day].append(var)
                    for week in option.weeks:
                        per_week[week].append(var)
                        self.covering[employee, week].append(var)
                    if option.block is not None:
                        on_block[option.block].append(var)
                placed = m.new_bool_var(f"p{employee}_{activity.id}")
                m.add(sum(choices) == placed)
                self.placed[employee, activity.id] = placed
            for option in activity.options:
                self._option(activity, option, teacher_day, costs, first_week)
        for group in per_day.values():
            if len(group) > 1:
                m.add_at_most_one(group)
        for group in teacher_day.values():
            if len(group) > 1:
                m.add_at_most_one(group)
        for block, seats in self._existing_seats().items():
            m.add(sum(on_block[block]) <= seats)
        self._missing_on_existing(on_block, costs)
        self._order()
        self._groups()
        self._fixes()
        if per_week:
            peak = m.new_int_var(0, len(self.x), "peak")
            for load in per_week.values():
                m.add(peak >= sum(load))
            costs.append(self.weights["peak_week"] * peak)
        self._same_teacher(costs)
        m.maximize(self.weights["placed"] * sum(self.placed.values()) - sum(costs))

    def _option(self, activity, option, teacher_day, costs, first_week):
        m = self.model
        takers = [
            self.x[e, activity.id, option.key]
            for e in activity.employees
            if (e, activity.id, option.key) in self.x
        ]
        used = m.new_bool_var(f"u{activity.id}_{option.key}")
        self.used[activity.id, option.key] = used
        later = (option.start - first_week).days // 7
        if option.block is not None:
            if takers:
                m.add_max_equality(used, takers)
            else:
                m.add(used == 0)
            costs.append(self.weights["later"] * later * used)
            return
        most = math.ceil(len(takers) / self.instance.capacity) if takers else 0
        most = min(most, len(option.teachers))
        blocks = m.new_int_var(0, most, f"n{activity.id}_{option.key}")
        self.blocks[activity.id, option.key] = blocks
        m.add(sum(takers) <= self.instance.capacity * blocks)
        m.add(sum(takers) >= blocks)  # no empty block
        m.add(blocks >= 1).only_enforce_if(used)
        m.add(blocks == 0).only_enforce_if(used.Not())
        teaching = []
        for teacher in option.teachers:
            var = m.new_bool_var(f"t{activity.id}_{option.key}_{teacher}")
            self.teach[activity.id, option.key, teacher] = var
            teaching.append(var)
            for day in option.days:
                teacher_day[teacher, day].append(var)
        m.add(sum(teaching) == blocks)
        costs.append(self.weights["new_block"] * blocks)
        costs.append(self.weights["later"] * later * blocks)
        if self.instance.minimum > 1 and most:
            short = m.new_int_var(0, self.instance.minimum * most, f"s{activity.id}_{option.key}")
            m.add(short >= self.instance.minimum * blocks - sum(takers))
            costs.append(self.weights["below_minimum"] * short)

    def _existing_seats(self) -> dict[int, int]:
        return {
            option.block: option.seats
            for activity in self.instance.activities
            for option in activity.options
            if option.block is not None
        }

    def _missing_on_existing(self, on_block, costs):
        missing = {
            o.block: o.missing
            for a in self.instance.activities
            for o in a.options
            if o.block is not None and o.missing
        }
        for block, lacking in missing.items():
            short = self.model.new_int_var(0, lacking, f"sb{block}")
            self.model.add(short >= lacking - sum(on_block[block]))
            costs.append(self.weights["below_minimum"] * short)

    def _order(self):
        by_id = {a.id: a for a in self.instance.activities}
        for activity in self.instance.activities:
            earlier = by_id.get(activity.after)
            if earlier is None:
                continue
            for option in activity.options:
                for before in earlier.options:
                    if option.start <= before.end:
                        self.model.add_bool_or(
                            [
                                self.used[activity.id, option.key].Not(),
                                self.used[earlier.id, before.key].Not(),
                            ]
                        )

    def _groups(self):
        m = self.model
        for group in self.instance.groups:
            weeks = {week for (e, week) in self.covering if e in group.members}
            for week in weeks:
                away = []
                for employee in group.members:
                    covering = self.covering.get((employee, week))
                    if covering:
                        var = m.new_bool_var(f"a{employee}_{week}")
                        m.add_max_equality(var, covering)
                        away.append(var)
                m.add(sum(away) <= max(0, group.limit - group.away.get(week, 0)))

    def _fixes(self):
        by_id = {a.id: a for a in self.instance.activities}
        for fix in self.instance.fixes:
            activity = by_id.get(fix.activity)
            keys = [o.key for o in activity.options if o.week == fix.week] if activity else []
            for employee in fix.employees:
                chosen = [
                    self.x[employee, fix.activity, key]
                    for key in keys
                    if (employee, fix.activity, key) in self.x
                ]
                self.model.add(sum(chosen) == 1)

    def _same_teacher(self, costs):
        by_group = defaultdict(list)
        for (activity_id, _key, teacher), var in self.teach.items():
            for group in self._groups_of(activity_id):
                by_group[group, teacher].append(var)
        groups = defaultdict(int)
        for group, _teacher in by_group:
            groups[group] += 1
        for (group, teacher), teaching in by_group.items():
            if groups[group] < 2:
                continue
            meets = self.model.new_bool_var(f"g{group}_{teacher}")
            self.model.add_max_equality(meets, teaching)
            costs.append(self.weights["teachers_per_group"] * meets)

    def _groups_of(self, activity_id):
        if not hasattr(self, "_activity_groups"):
            self._activity_groups = {a.id: a.groups for a in self.instance.activities}
        return self._activity_groups[activity_id]

    def hint(self, result: Result) -> None:
        """Start the search from a known schedule (the greedy one)."""
        chosen = {(e, p.activity, p.option.key) for p in result.placements for e in p.employees}
        for key, var in self.x.items():
            self.model.add_hint(var, key in chosen)


def solve(
    instance: Instance,
    *,
    time_limit: float,
    workers: int = 2,
    weights: dict | None = None,
    progress: Callable[[int, float], None] | None = None,
    seed: int = 0,
) -> Result:
    """The best schedule found within `time_limit` seconds."""
    started = time.monotonic()
    model = _Model(instance, {**DEFAULT_WEIGHTS, **(weights or {})})
    if not instance.fixes:
        model.hint(greedy(instance))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    callback = _Progress(progress)
    status = solver.solve(model.model, callback)
    seconds = time.monotonic() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result("infeasible", [], {}, seconds, callback.count)
    return Result(
        "optimal" if status == cp_model.OPTIMAL else "feasible",
        _placements(instance, model, solver),
        _unplaced(instance, lambda e, a: solver.value(model.placed[e, a])),
        seconds,
        callback.count,
    )


def _placements(instance: Instance, model: _Model, solver) -> list[Placement]:
    placements = []
    for activity in instance.activities:
        for option in activity.options:
            people = tuple(
                e
                for e in activity.employees
                if (e, activity.id, option.key) in model.x
                and solver.value(model.x[e, activity.id, option.key])
            )
            if not people:
                continue
            if option.block is not None:
                placements.append(Placement(activity.id, option, people))
                continue
            teachers = [
                t for t in option.teachers if solver.value(model.teach[activity.id, option.key, t])
            ]
            placements.extend(_split(activity.id, option, people, teachers))
    return placements


def _split(activity_id, option, people, teachers) -> list[Placement]:
    """People of one week's new blocks shared out evenly, one teacher each."""
    count = len(teachers)
    size, extra = divmod(len(people), count)
    placements, start = [], 0
    for index, teacher in enumerate(teachers):
        end = start + size + (1 if index < extra else 0)
        placements.append(Placement(activity_id, option, tuple(people[start:end]), teacher))
        start = end
    return placements


def _unplaced(instance: Instance, is_placed) -> dict[int, list[int]]:
    unplaced = {}
    for activity in instance.activities:
        left = [e for e in activity.employees if not is_placed(e, activity.id)]
        if left:
            unplaced[activity.id] = left
    return unplaced


def greedy(instance: Instance) -> Result:
    """Earliest feasible week, first fit: each activity in turn (one that comes after
    another once that one is placed), each person on the earliest block with room that
    breaks no rule, opening a new block in the earliest week with a free teacher."""
    started = time.monotonic()
    busy = {e: list(spans) for e, spans in instance.busy.items()}
    teacher_busy = defaultdict(list)
    seats = {}
    away = {g.id: defaultdict(int, g.away) for g in instance.groups}
    group_of = {e: g for g in instance.groups for e in g.members}
    away_weeks = defaultdict(set)  # employee -> weeks already counted as away
    ends = {}
    placements, placed = [], set()
    for activity in _in_order(instance.activities):
        not_before = ends.get(activity.after)
        left = list(activity.employees)
        chosen = []  # (option, teacher, people)
        for option in sorted(activity.options, key=lambda o: (o.start, o.block is None)):
            if not left:
                break
            if not_before and option.start <= not_before:
                continue
            if option.block is not None:
                room = seats.setdefault(option.block, option.seats)
                taking = _fit(option, left, room, busy, away, group_of, away_weeks)
                seats[option.block] -= len(taking)
                if taking:
                    chosen.append((option, None, taking))
                    left = [e for e in left if e not in taking]
                continue
            while left:
                teacher = next(
                    (
                        t
                        for t in option.teachers
                        if not any(option.overlaps(s, e) for s, e in teacher_busy[t])
                    ),
                    None,
                )
                if teacher is None:
                    break
                taking = _fit(option, left, instance.capacity, busy, away, group_of, away_weeks)
                if not taking:
                    break
                teacher_busy[teacher].append((option.start, option.end))
                chosen.append((option, teacher, taking))
                left = [e for e in left if e not in taking]
        for option, teacher, taking in chosen:
            placed.update((e, activity.id) for e in taking)
            placements.append(Placement(activity.id, option, tuple(taking), teacher))
        if chosen:
            ends[activity.id] = max(option.end for option, _t, _p in chosen)
    return Result(
        "feasible",
        placements,
        _unplaced(instance, lambda e, a: (e, a) in placed),
        time.monotonic() - started,
        1,
    )


def _fit(option, people, room, busy, away, group_of, away_weeks) -> list[int]:
    taking = []
    for employee in people:
        if len(taking) >= room:
            break
        if any(option.overlaps(s, e) for s, e in busy.get(employee, ())):
            continue
        group = group_of.get(employee)
        new_weeks = option.weeks - away_weeks[employee]
        if group and any(away[group.id][w] + 1 > group.limit for w in new_weeks):
            continue
        taking.append(employee)
        busy.setdefault(employee, []).append((option.start, option.end))
        if group:
            for week in new_weeks:
                away[group.id][week] += 1
        away_weeks[employee] |= option.weeks
    return taking


def _in_order(activities) -> list[Activity]:
    """Activities with each one after the one it follows."""
    by_id = {a.id: a for a in activities}
    done, ordered = set(), []

    def visit(activity, path=()):
        if activity.id in done or activity.id in path:
            return
        if activity.after in by_id:
            visit(by_id[activity.after], (*path, activity.id))
        done.add(activity.id)
        ordered.append(activity)

    for activity in activities:
        visit(activity)
    return ordered
