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
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
    # New blocks that several activities can share: options with the same slot (one
    # course on the same days) fill the same new blocks. Empty: this activity's own.
    slot: str = ""

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
    course: int | None = None  # the search works on one course's activities at a time


@dataclass(frozen=True)
class Group:
    """An employee group with a limit on how many may be away in one week; `away` counts
    the members already away in a week on blocks outside this proposal."""

    id: int
    name: str
    members: frozenset[int]
    limit: int
    away: dict = field(default_factory=dict)
    # week -> members already counted in `away` (held by the search): away once, however
    # many of their blocks fall in the week
    counted: dict = field(default_factory=dict)


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
    """One activity's people on one proposed block: a new one (its teacher, and `joint`
    naming the new block, which other activities' placements may share) or an existing
    one joined (option.block)."""

    activity: int
    option: Option
    employees: tuple[int, ...]
    teacher: int | None = None
    joint: str = ""

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
        return len({p.joint for p in self.placements if p.is_new})

    @property
    def placed(self) -> int:
        return sum(len(p.employees) for p in self.placements)


def slot_of(activity_id: int, option: Option) -> str:
    return option.slot or f"{activity_id}:{option.key}"


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
        self.blocks = {}  # slot -> int: new blocks opened there
        self.teach = {}  # (slot, teacher) -> bool
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
        slots = defaultdict(list)  # slot -> (activity, option) sharing its new blocks
        for activity in inst.activities:
            for option in activity.options:
                self._use(activity, option, costs, first_week)
                if option.block is None:
                    slots[slot_of(activity.id, option)].append((activity, option))
        for slot, members in slots.items():
            self._slot(slot, members, teacher_day, costs, first_week)
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

    def _takers(self, activity, option) -> list:
        return [
            self.x[e, activity.id, option.key]
            for e in activity.employees
            if (e, activity.id, option.key) in self.x
        ]

    def _use(self, activity, option, costs, first_week):
        """Whether any of the activity's people go to the option (for the order rule)."""
        m = self.model
        takers = self._takers(activity, option)
        used = m.new_bool_var(f"u{activity.id}_{option.key}")
        self.used[activity.id, option.key] = used
        if takers:
            m.add_max_equality(used, takers)
        else:
            m.add(used == 0)
        if option.block is not None:
            later = (option.start - first_week).days // 7
            costs.append(self.weights["later"] * later * used)

    def _slot(self, slot, members, teacher_day, costs, first_week):
        """One week's new blocks of one course, shared by the activities that can use
        them: how many open, who teaches each, and their size."""
        m = self.model
        takers = [x for activity, option in members for x in self._takers(activity, option)]
        option = members[0][1]
        teachers = [t for t in option.teachers if all(t in o.teachers for _a, o in members[1:])]
        most = math.ceil(len(takers) / self.instance.capacity) if takers else 0
        most = min(most, len(teachers))
        blocks = m.new_int_var(0, most, f"n{slot}")
        self.blocks[slot] = blocks
        m.add(sum(takers) <= self.instance.capacity * blocks)
        m.add(sum(takers) >= blocks)  # no empty block
        teaching = []
        for teacher in teachers:
            var = m.new_bool_var(f"t{slot}_{teacher}")
            self.teach[slot, teacher] = var
            teaching.append(var)
            for day in option.days:
                teacher_day[teacher, day].append(var)
        m.add(sum(teaching) == blocks)
        later = (option.start - first_week).days // 7
        costs.append(self.weights["new_block"] * blocks)
        costs.append(self.weights["later"] * later * blocks)
        if self.instance.minimum > 1 and most:
            short = m.new_int_var(0, self.instance.minimum * most, f"s{slot}")
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
                    if covering and employee not in group.counted.get(week, ()):
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
        """A group meets a teacher when one of its activities uses new blocks that the
        teacher teaches; each teacher a group meets costs a little."""
        meets = defaultdict(list)  # (group, teacher) -> (teach, used)
        for activity in self.instance.activities:
            for option in activity.options:
                if option.block is not None:
                    continue
                slot = slot_of(activity.id, option)
                used = self.used[activity.id, option.key]
                for teacher in option.teachers:
                    teach = self.teach.get((slot, teacher))
                    if teach is None:
                        continue
                    for group in activity.groups:
                        meets[group, teacher].append((teach, used))
        teachers = defaultdict(int)
        for group, _teacher in meets:
            teachers[group] += 1
        for (group, teacher), pairs in meets.items():
            if teachers[group] < 2:
                continue
            met = self.model.new_bool_var(f"g{group}_{teacher}")
            for teach, used in pairs:
                self.model.add(met >= teach + used - 1)
            costs.append(self.weights["teachers_per_group"] * met)

    def _groups_of(self, activity_id):
        if not hasattr(self, "_activity_groups"):
            self._activity_groups = {a.id: a.groups for a in self.instance.activities}
        return self._activity_groups[activity_id]

    def hint(self, result: Result) -> None:
        """Start the search from a known schedule (the greedy one): every decision of
        it, so the solver has a complete solution to improve on from the first second."""
        chosen = {(e, p.activity, p.option.key) for p in result.placements for e in p.employees}
        joints = defaultdict(set)
        teaching = set()
        for p in result.placements:
            if p.is_new:
                slot = slot_of(p.activity, p.option)
                joints[slot].add(p.joint)
                teaching.add((slot, p.teacher))
        for key, var in self.x.items():
            self.model.add_hint(var, key in chosen)
        placed = {(e, a) for e, a, _key in chosen}
        for key, var in self.placed.items():
            self.model.add_hint(var, key in placed)
        used = {(a, key) for _e, a, key in chosen}
        for key, var in self.used.items():
            self.model.add_hint(var, key in used)
        for key, var in self.blocks.items():
            self.model.add_hint(var, len(joints.get(key, ())))
        for key, var in self.teach.items():
            self.model.add_hint(var, key in teaching)


# Above this many (person, option) decisions one model of the whole plan is too big to
# improve on within seconds; the search then works one course at a time (below).
WHOLE_MODEL_DECISIONS = 4000
NEIGHBOURHOOD_SECONDS = 1.0  # per course's model within the search


def solve(
    instance: Instance,
    *,
    time_limit: float,
    workers: int = 2,
    weights: dict | None = None,
    progress: Callable[[int, float], None] | None = None,
    seed: int = 0,
) -> Result:
    """The best schedule found within `time_limit` seconds, and never worse than the
    greedy one. A plan of usual size is one model; a large one starts from the greedy
    schedule and solves one course's activities at a time with the rest held, keeping
    each better schedule (a large-neighbourhood search)."""
    started = time.monotonic()
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    baseline = None if instance.fixes else greedy(instance)
    decisions = sum(len(a.employees) * len(a.options) for a in instance.activities)
    deadline = started + time_limit - 0.2  # what is left for reading the result
    if baseline and decisions > WHOLE_MODEL_DECISIONS:
        found = _by_course(instance, baseline, deadline, workers, weights, progress, seed)
    else:
        found = _solve_model(instance, baseline, deadline, workers, weights, progress, seed)
    seconds = time.monotonic() - started
    if baseline and (
        found is None or score(instance, baseline, weights) > score(instance, found, weights)
    ):
        # Within the time limit the search did not get back to the greedy start it was
        # given: placing week by week holds.
        return replace(baseline, status="feasible", seconds=seconds)
    if found is None:
        return Result("infeasible", [], {}, seconds)
    return replace(found, seconds=seconds)


def _solve_model(instance, hint, deadline, workers, weights, progress, seed) -> Result | None:
    model = _Model(instance, weights)
    if hint:
        model.hint(hint)
    solver = cp_model.CpSolver()
    # The hint is a complete schedule that keeps every rule, so it needs no repair; and
    # CP-SAT 9.15 aborts the whole process ("Check failed: heuristics.fixed_search") now
    # and then when asked to repair one (google/or-tools#5025, fixed after 9.15).
    solver.parameters.repair_hint = False
    solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    callback = _Progress(progress)
    status = solver.solve(model.model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return Result(
        "optimal" if status == cp_model.OPTIMAL else "feasible",
        _placements(instance, model, solver),
        _unplaced(instance, lambda e, a: solver.value(model.placed[e, a])),
        0.0,
        callback.count,
    )


def _by_course(instance, current, deadline, workers, weights, progress, seed) -> Result:
    """Improve `current` one course at a time until the deadline: the course's activities
    are solved again as one model, everything else held as it is (its people and teachers
    busy on their days, its absences counted, the order kept), and a schedule that scores
    better replaces the current one. Stops early when no course improves."""
    rng = random.Random(seed)
    courses = defaultdict(set)
    for activity in instance.activities:
        course = activity.course if activity.course is not None else -activity.id
        courses[course].add(activity.id)
    neighbourhoods = list(courses.values())
    options = {(a.id, o.key): o for a in instance.activities for o in a.options}
    best = score(instance, current, weights)
    improvements, stale = 0, 0
    started = time.monotonic()
    while stale < len(neighbourhoods) and deadline - time.monotonic() >= NEIGHBOURHOOD_SECONDS:
        rng.shuffle(neighbourhoods)
        for ids in neighbourhoods:
            # A model is given its full second or not started.
            if deadline - time.monotonic() < NEIGHBOURHOOD_SECONDS or stale >= len(neighbourhoods):
                break
            sub = _held(instance, current, ids)
            hint = Result("feasible", [p for p in current.placements if p.activity in ids], {})
            until = time.monotonic() + NEIGHBOURHOOD_SECONDS
            found = _solve_model(sub, hint, until, workers, weights, None, seed)
            stale += 1
            if found is None:
                continue
            merged = [p for p in current.placements if p.activity not in ids] + [
                replace(p, option=options[p.activity, p.option.key]) for p in found.placements
            ]
            candidate = Result("feasible", merged, _unplaced(instance, _placed_in(merged)))
            value = score(instance, candidate, weights)
            if value > best:
                current, best, stale = candidate, value, 0
                improvements += 1
                if progress:
                    progress(improvements, time.monotonic() - started)
    return replace(current, solutions=improvements)


def _placed_in(placements):
    placed = {(e, p.activity) for p in placements for e in p.employees}
    return lambda e, a: (e, a) in placed


def _held(instance: Instance, current: Result, ids: set[int]) -> Instance:
    """The instance of the activities `ids` with every other placement of `current` held:
    its people and teachers busy on its days, its absences counted in the groups, its
    seats on existing blocks taken, and the order with held activities kept."""
    busy = defaultdict(list, {e: list(spans) for e, spans in instance.busy.items()})
    teaching = defaultdict(list)
    taken = defaultdict(int)
    ends, starts = {}, defaultdict(list)
    away = defaultdict(set)  # (group, week) -> held people away
    group_of = {e: g.id for g in instance.groups for e in g.members}
    for p in current.placements:
        if p.activity in ids:
            continue
        for employee in p.employees:
            busy[employee].append((p.option.start, p.option.end))
            if employee in group_of:
                for week in p.option.weeks:
                    away[group_of[employee], week].add(employee)
        if p.teacher:
            teaching[p.teacher].append((p.option.start, p.option.end))
        if p.option.block is not None:
            taken[p.option.block] += len(p.employees)
        ends[p.activity] = max(ends.get(p.activity, p.option.end), p.option.end)
        starts[p.activity].append(p.option.start)
    followers = defaultdict(list)
    for activity in instance.activities:
        if activity.after is not None:
            followers[activity.after].append(activity.id)
    activities = []
    for activity in instance.activities:
        if activity.id not in ids:
            continue
        not_before = ends.get(activity.after) if activity.after not in ids else None
        before = min(
            (min(starts[f]) for f in followers[activity.id] if f not in ids and starts[f]),
            default=None,
        )
        options = []
        for option in activity.options:
            if (not_before and option.start <= not_before) or (before and option.end >= before):
                continue
            if option.block is not None:
                options.append(replace(option, seats=max(0, option.seats - taken[option.block])))
                continue
            free = tuple(
                t for t in option.teachers if not any(option.overlaps(s, e) for s, e in teaching[t])
            )
            if free:
                options.append(replace(option, teachers=free))
        after = activity.after if activity.after in ids else None
        activities.append(replace(activity, options=tuple(options), after=after))
    groups = []
    for group in instance.groups:
        weeks = {w for (g, w) in away if g == group.id} | set(group.away)
        groups.append(
            replace(
                group,
                away={w: group.away.get(w, 0) + len(away.get((group.id, w), ())) for w in weeks},
                counted={w: frozenset(away.get((group.id, w), ())) for w in weeks},
            )
        )
    return replace(instance, activities=tuple(activities), groups=tuple(groups), busy=dict(busy))


def score(instance: Instance, result: Result, weights: dict | None = None) -> int:
    """The model's objective for a schedule, computed from its placements: what the
    search maximises, so that two schedules (the greedy one, one found) compare."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    first_week = min(
        (o.start for a in instance.activities for o in a.options), default=dt.date.today()
    )

    def later(option):
        return (option.start - first_week).days // 7

    new = {}  # joint -> option
    takers = defaultdict(int)  # slot -> people on its new blocks
    blocks = defaultdict(set)  # slot -> its new blocks
    on_block = defaultdict(int)
    used = {}
    per_week = defaultdict(int)
    for p in result.placements:
        for week in p.option.weeks:
            per_week[week] += len(p.employees)
        if p.is_new:
            slot = slot_of(p.activity, p.option)
            new[p.joint] = p.option
            takers[slot] += len(p.employees)
            blocks[slot].add(p.joint)
        else:
            on_block[p.option.block] += len(p.employees)
            used[p.activity, p.option.key] = p.option
    value = w["placed"] * result.placed
    value -= w["new_block"] * len(new)
    value -= w["later"] * (sum(map(later, new.values())) + sum(map(later, used.values())))
    if instance.minimum > 1:
        value -= w["below_minimum"] * sum(
            max(0, instance.minimum * len(blocks[slot]) - takers[slot]) for slot in blocks
        )
    missing = {
        o.block: o.missing for a in instance.activities for o in a.options if o.block is not None
    }
    value -= w["below_minimum"] * sum(
        max(0, lacking - on_block[block]) for block, lacking in missing.items()
    )
    value -= w["peak_week"] * max(per_week.values(), default=0)
    value -= w["teachers_per_group"] * _teachers_met(instance, result)
    return value


def _teachers_met(instance: Instance, result: Result) -> int:
    """The teachers each group meets on new blocks, counted for the groups that could
    meet more than one, as the model counts them."""
    candidates = defaultdict(set)
    for activity in instance.activities:
        for option in activity.options:
            if option.block is None:
                for group in activity.groups:
                    candidates[group].update(option.teachers)
    groups_of = {a.id: a.groups for a in instance.activities}
    met = defaultdict(set)
    for p in result.placements:
        if p.teacher:
            for group in groups_of.get(p.activity, ()):
                met[group].add(p.teacher)
    return sum(len(teachers) for group, teachers in met.items() if len(candidates[group]) > 1)


def _placements(instance: Instance, model: _Model, solver) -> list[Placement]:
    placements = []
    slots = defaultdict(list)  # slot -> (activity, option, people)
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
            else:
                slots[slot_of(activity.id, option)].append((activity.id, option, people))
    for slot, parts in slots.items():
        teachers = [t for (s, t), var in model.teach.items() if s == slot and solver.value(var)]
        placements.extend(_split(slot, parts, teachers))
    return placements


def _split(slot, parts, teachers) -> list[Placement]:
    """The people of one week's new blocks shared out evenly, one teacher each, each
    activity's people kept together as far as the sizes allow."""
    people = [(activity, option, e) for activity, option, group in parts for e in group]
    count = len(teachers)
    size, extra = divmod(len(people), count)
    placements, start = [], 0
    for index, teacher in enumerate(teachers):
        end = start + size + (1 if index < extra else 0)
        joint = f"{slot}#{index + 1}"
        share = defaultdict(list)
        options = {}
        for activity, option, employee in people[start:end]:
            share[activity].append(employee)
            options[activity] = option
        placements.extend(
            Placement(activity, options[activity], tuple(group), teacher, joint)
            for activity, group in share.items()
        )
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
    opened = defaultdict(list)  # slot -> [joint, teacher, seats left] of new blocks
    away = {g.id: defaultdict(int, g.away) for g in instance.groups}
    group_of = {e: g for g in instance.groups for e in g.members}
    away_weeks = defaultdict(set)  # employee -> weeks already counted as away
    ends = {}
    placements, placed = [], set()
    for activity in _in_order(instance.activities):
        not_before = ends.get(activity.after)
        left = list(activity.employees)
        chosen = []  # (option, teacher, people, joint)
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
                    chosen.append((option, None, taking, ""))
                    left = [e for e in left if e not in taking]
                continue
            slot = slot_of(activity.id, option)
            for block in opened[slot]:  # first fit: new blocks already opened that week
                joint, teacher, room = block
                taking = _fit(option, left, room, busy, away, group_of, away_weeks)
                if taking:
                    block[2] -= len(taking)
                    chosen.append((option, teacher, taking, joint))
                    left = [e for e in left if e not in taking]
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
                joint = f"{slot}#{len(opened[slot]) + 1}"
                opened[slot].append([joint, teacher, instance.capacity - len(taking)])
                chosen.append((option, teacher, taking, joint))
                left = [e for e in left if e not in taking]
        for option, teacher, taking, joint in chosen:
            placed.update((e, activity.id) for e in taking)
            placements.append(Placement(activity.id, option, tuple(taking), teacher, joint))
        if chosen:
            ends[activity.id] = max(option.end for option, *_rest in chosen)
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
