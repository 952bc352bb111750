import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from access import (
    Capability,
    can,
    companies_for,
    course_blocks_for,
    employees_for,
    manages_calendar_schools,
    plan_activities_for,
    require,
    scheduling_schools,
    schools_for,
)
from access.mixins import ScopedLoadMixin, get_for_user_or_404
from competence_plans.selectors import activity_targets
from core.isoweek import iso_week_of
from core.tables import csv_response, xlsx_response
from core.validators import parse_id
from core.views import add_service_error
from scheduling.models import (
    CalendarFeed,
    CourseBlock,
    Enrollment,
    SchoolClosure,
    TeacherQualification,
)

from . import conflicts as engine
from . import services
from .calendar import closed_days, public_holidays
from .conflicts import block_conflicts
from .feeds import available_feeds, feed_get_or_create, feed_ics, feed_regenerate
from .forms import (
    ClosureForm,
    ConflictFilterForm,
    CourseBlockForm,
    EnrollForm,
    HandOffForm,
    MoveEnrollmentForm,
    QualificationForm,
    ReservationForm,
    WeekPlanFilterForm,
)
from .selectors import (
    fill_by_company,
    hand_off_columns,
    hand_off_rows,
    seat_use,
    week_grid,
    weeks_that_fit,
    with_seats,
)

WEEKS_SHOWN = 8
# The week plan draws at most this many blocks: a school with more in the weeks asked
# for sees fewer weeks at a time (and can narrow by department, teacher or company).
MOST_BLOCKS_SHOWN = 60


class WeekPlanView(LoginRequiredMixin, TemplateView):
    template_name = "scheduling/week_plan.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        schools = schools_for(user)
        if not schools.exists():
            raise PermissionDenied(_("The week plan is for school staff."))
        data = self.request.GET.copy()
        data.setdefault("school", str(schools.order_by("name").first().pk))
        data.setdefault("weeks", str(WEEKS_SHOWN))
        form = WeekPlanFilterForm(data, schools=schools)
        filters = form.cleaned_data if form.is_valid() else {}
        school = filters.get("school") or schools.order_by("name").first()
        today = timezone.localdate()
        monday = filters.get("week") or today - dt.timedelta(days=today.weekday())
        asked = filters.get("weeks") or WEEKS_SHOWN
        weeks, in_asked = weeks_that_fit(
            course_blocks_for(user),
            school=school,
            monday=monday,
            weeks=asked,
            filters=filters,
            most_blocks=MOST_BLOCKS_SHOWN,
        )
        columns, table, count = week_grid(
            course_blocks_for(user),
            school=school,
            monday=monday,
            weeks=weeks,
            rows=filters.get("rows") or "department",
            filters=filters,
        )
        params = self.request.GET.copy()

        def shifted(weeks):
            target = monday + dt.timedelta(weeks=weeks)
            params["week"] = f"{target.isocalendar().year}-W{target.isocalendar().week:02d}"
            return "?" + params.urlencode()

        return super().get_context_data(
            filter_form=form,
            school=school,
            columns=columns,
            table=table,
            block_count=count,
            previous_url=shifted(-weeks),
            next_url=shifted(weeks),
            weeks_shown=weeks,
            weeks_asked=asked,
            blocks_in_asked=in_asked,
            can_schedule=scheduling_schools(user).filter(pk=school.pk).exists(),
            can_keep_calendar=manages_calendar_schools(user).filter(pk=school.pk).exists(),
            rows=filters.get("rows") or "department",
            **kwargs,
        )


class BlockFormView(LoginRequiredMixin, View):
    """Create a block (optionally from a plan activity) or edit one, with conflicts shown
    and saved only after an explicit confirmation."""

    template_name = "scheduling/block_form.html"

    def setup_objects(self, request, pk=None):
        user = request.user
        self.block = None
        self.activity = None
        if pk:
            self.block = get_for_user_or_404(course_blocks_for, user, Capability.EDIT, pk=pk)
        elif not scheduling_schools(user).exists():
            raise PermissionDenied(_("Coordinators schedule course blocks."))
        activity_pk = parse_id(request.GET.get("activity", ""))
        if activity_pk:
            self.activity = get_object_or_404(
                plan_activities_for(user).select_related("plan__partnership", "amu_course"),
                pk=activity_pk,
            )

    def initial(self):
        if not self.activity:
            return {}
        start = max(self.activity.planned_start, timezone.localdate() + dt.timedelta(days=1))
        year, week = iso_week_of(start + dt.timedelta(days=(7 - start.weekday()) % 7))
        course = self.activity.amu_course
        return {
            "course": course.pk if course else None,
            "school": self.activity.plan.partnership.lead_school_id,
            "week": f"{year}-W{week:02d}",
            "company": self.activity.plan.partnership.company_id,
        }

    def form(self, data=None):
        user = self.request.user
        return CourseBlockForm(
            data,
            instance=self.block,
            initial=self.initial(),
            schools=scheduling_schools(user),
            companies=companies_for(user),
        )

    def render(self, form, conflicts=()):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "course_block": self.block,
                "activity": self.activity,
                "conflicts": conflicts,
                "dates": form.dates if form.is_bound else None,
            },
        )

    def get(self, request, pk=None):
        self.setup_objects(request, pk)
        return self.render(self.form())

    def post(self, request, pk=None):
        self.setup_objects(request, pk)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form)
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_conflicts")
        confirm_cancel = data.pop("confirm_cancel", False)
        teachers = data.pop("teachers")
        del data["week"], data["start_day"]
        data["start_date"], data["end_date"] = form.dates.start, form.dates.end
        if not can(request.user, Capability.SCHEDULE_BLOCKS, data["school"]):
            form.add_error("school", _("You do not schedule blocks at this school."))
            return self.render(form)
        try:
            if self.block:
                block = services.course_block_update(
                    block=self.block,
                    by=request.user,
                    teachers=teachers,
                    confirm=confirm,
                    confirm_cancel=confirm_cancel,
                    **data,
                )
            else:
                block = services.course_block_create(
                    by=request.user,
                    teachers=teachers,
                    activity=self.activity,
                    confirm=confirm,
                    **data,
                )
        except services.ConflictsNeedConfirmation as error:
            return self.render(form, error.conflicts)
        except ValidationError as error:
            add_service_error(form, error)
            return self.render(form)
        messages.success(
            request,
            _("The course block was saved: %(start)s – %(end)s.")
            % {"start": f"{block.start_date:%d.%m.%Y}", "end": f"{block.end_date:%d.%m.%Y}"},
        )
        url = reverse("scheduling:block_detail", args=[block.pk])
        if self.activity:
            url = (
                reverse("scheduling:block_enroll", args=[block.pk])
                + f"?activity={self.activity.pk}"
            )
        return redirect(url)


class BlockMixin(ScopedLoadMixin):
    scope = staticmethod(course_blocks_for)
    object_name = "block"
    select_related = ("course__fkb", "school", "department", "company")


def _blocks_with_fill(user):
    return with_seats(course_blocks_for(user))


class BlockDetailView(BlockMixin, TemplateView):
    template_name = "scheduling/block_detail.html"
    # Loaded once, with its fill (places and reserved seats) annotated.
    scope = staticmethod(_blocks_with_fill)

    def get_context_data(self, **kwargs):
        user, block = self.request.user, self.block
        visible = employees_for(user)
        enrollments = list(
            block.enrollments.filter(employee__in=visible)
            .exclude(status=Enrollment.Status.CANCELLED)
            .select_related("employee__company", "plan_activity__plan")
            .order_by("queued_at", "employee__name")
        )
        can_edit = can(user, Capability.EDIT, block)
        open_block = block.status not in (CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD)
        other_blocks = (
            CourseBlock.objects.filter(course=block.course, end_date__gte=timezone.localdate())
            .exclude(pk=block.pk)
            .exclude(status__in=[CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD])
            .filter(pk__in=course_blocks_for(user).values("pk"))
        )
        teachers = list(block.teachers.all())
        # Each company's HR sees their own company's line; schedulers see every company.
        companies = (
            companies_for(user)
            if can_edit
            else companies_for(user).filter(pk__in=visible.values("company"))
        )
        return super().get_context_data(
            course_block=block,
            teachers=teachers,
            places=[e for e in enrollments if e.status != Enrollment.Status.WAITING],
            waiting=[e for e in enrollments if e.status == Enrollment.Status.WAITING],
            fill=fill_by_company(block, companies),
            free=max(block.capacity - block.seats_taken, 0),
            below_minimum=block.min_participants
            and block.participant_count < block.min_participants,
            # Conflicts name other companies' employees: only the schedulers see them.
            conflicts=block_conflicts(block=block, teachers=teachers) if can_edit else [],
            can_edit=can_edit,
            can_change_places=can_edit and open_block,
            can_record_attendance=(can_edit or can(user, Capability.RECORD_ATTENDANCE, block))
            and block.end_date <= timezone.localdate(),
            test_results=Enrollment.TestResult.choices,
            move_form=MoveEnrollmentForm(blocks=other_blocks) if can_edit and open_block else None,
            reservation_form=ReservationForm(companies=_reserving_companies(user, block))
            if can_edit and open_block
            else None,
            skipped=sorted(closed_days(block.school_id, block.start_date, block.end_date).items()),
            **kwargs,
        )


def _reserving_companies(user, block):
    companies = companies_for(user)
    return companies if block.pooled else companies.filter(pk=block.company_id)


class BlockEnrollView(BlockMixin, View):
    """Tick people to put on the block. A pooled block may take anyone the user may
    enrol, so the page shows the first ones in order and a search finds the rest (by
    name, group or company): its size stays the same however large the companies are."""

    template_name = "scheduling/block_enroll.html"
    shown_at_most = 100

    def candidates(self):
        user = self.request.user
        activity_pk = parse_id(
            self.request.GET.get("activity") or self.request.POST.get("activity")
        )
        self.activity = None
        if activity_pk:
            self.activity = get_object_or_404(
                plan_activities_for(user).select_related("plan__partnership__company"),
                pk=activity_pk,
            )
            if not can(user, Capability.EDIT, self.activity.plan):
                raise PermissionDenied(_("Only the plan's coordinator enrols from it."))
            # The plan is theirs, but the block must be too: one school's coordinator does
            # not fill another school's blocks.
            require(user, Capability.SCHEDULE_BLOCKS, self.block)
            targets = activity_targets([self.activity.pk])[self.activity.pk]
            people = employees_for(user).filter(pk__in=targets)
        else:
            if not can(user, Capability.EDIT, self.block):
                raise PermissionDenied(_("Your role does not allow enrolling on this block."))
            people = employees_for(user).filter(active=True)
        if not self.block.pooled:
            people = people.filter(company=self.block.company_id)
        return people.order_by("company__name", "group__name", "name")

    @cached_property
    def enrolled(self) -> set[int]:
        """Who already holds a place or waits on the block."""
        return set(
            self.block.enrollments.exclude(status=Enrollment.Status.CANCELLED).values_list(
                "employee_id", flat=True
            )
        )

    @cached_property
    def search(self) -> str:
        return self.request.GET.get("q", "").strip()[:100]

    def shown(self, candidates):
        """The candidates the page lists, and how many match in all (counted only when
        there are more than it lists)."""
        if self.search:
            candidates = candidates.filter(
                Q(name__icontains=self.search)
                | Q(group__name__icontains=self.search)
                | Q(company__name__icontains=self.search)
            )
        shown = list(candidates.select_related("company", "group")[: self.shown_at_most + 1])
        if len(shown) <= self.shown_at_most:
            return shown, len(shown)
        return shown[: self.shown_at_most], candidates.count()

    def render(self, form, conflicts=()):
        chosen = form["employees"].value() or []
        shown, matching = getattr(self, "listing", None) or self.shown(
            form.fields["employees"].queryset
        )
        return render(
            self.request,
            self.template_name,
            {
                "course_block": self.block,
                "form": form,
                "activity": self.activity,
                "conflicts": conflicts,
                "enrolled": self.enrolled,
                # Grouped by company in the page, each group with its own "select all".
                "candidates": shown,
                "matching": matching,
                "search": self.search,
                "chosen": {str(pk) for pk in chosen},
                "free": max(self.block.capacity - seat_use(self.block).taken, 0),
            },
        )

    def get(self, request, pk):
        candidates = self.candidates()
        # From a plan activity its target group comes ticked; otherwise nobody does.
        self.listing = self.shown(candidates)
        initial = {
            "employees": [e.pk for e in self.listing[0] if e.pk not in self.enrolled]
            if self.activity
            else []
        }
        return self.render(EnrollForm(initial=initial, candidates=candidates))

    def post(self, request, pk):
        form = EnrollForm(request.POST, candidates=self.candidates())
        if not form.is_valid():
            return self.render(form)
        try:
            added = services.enrollments_add(
                block=self.block,
                employees=list(form.cleaned_data["employees"]),
                activity=self.activity,
                by=request.user,
                confirm=form.cleaned_data["confirm_conflicts"],
                waitlist=form.cleaned_data["waitlist"],
            )
        except services.ConflictsNeedConfirmation as error:
            return self.render(form, error.conflicts)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form)
        waiting = sum(1 for e in added if e.status == Enrollment.Status.WAITING)
        messages.success(
            request,
            _("%(n)s employees were enrolled, %(w)s put on the waiting list.")
            % {"n": len(added) - waiting, "w": waiting}
            if waiting
            else _("%(n)s employees were enrolled.") % {"n": len(added)},
        )
        return redirect("scheduling:block_detail", self.block.pk)


class EnrollmentMoveView(BlockMixin, View):
    """Move one place to another run of the course; clashes are shown and need a confirm."""

    capability = Capability.SCHEDULE_BLOCKS
    http_method_names = ["post"]
    template_name = "scheduling/enrollment_move_confirm.html"

    def post(self, request, pk, enrollment_pk):
        enrollment = get_object_or_404(
            self.block.enrollments.select_related("employee", "plan_activity__plan"),
            pk=enrollment_pk,
        )
        form = MoveEnrollmentForm(request.POST, blocks=course_blocks_for(request.user))
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("to_block", [])))
            return redirect("scheduling:block_detail", self.block.pk)
        target = form.cleaned_data["to_block"]
        require(request.user, Capability.SCHEDULE_BLOCKS, target)
        try:
            services.enrollment_move(
                enrollment=enrollment,
                to_block=target,
                by=request.user,
                confirm=form.cleaned_data["confirm_conflicts"],
            )
        except services.ConflictsNeedConfirmation as error:
            context = {
                "course_block": self.block,
                "enrollment": enrollment,
                "target": target,
                "conflicts": error.conflicts,
            }
            return render(request, self.template_name, context)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("scheduling:block_detail", self.block.pk)
        messages.success(request, _("The enrollment was moved."))
        return redirect("scheduling:block_detail", target.pk)


def _per_enrollment(data, prefix: str) -> dict[int, str]:
    """`prefix<enrollment id>` fields of a form, by id (ids that are not numbers dropped)."""
    return {
        parse_id(key.removeprefix(prefix)): value
        for key, value in data.items()
        if key.startswith(prefix) and parse_id(key.removeprefix(prefix))
    }


class AttendanceView(BlockMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        require(
            request.user,
            Capability.RECORD_ATTENDANCE,
            self.block,
            _("The block's teachers and coordinators record attendance."),
        )
        statuses, results = (
            _per_enrollment(request.POST, "attendance-"),
            _per_enrollment(request.POST, "result-"),
        )
        try:
            services.attendance_record(
                block=self.block, statuses=statuses, results=results, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance was saved."))
        return redirect("scheduling:block_detail", self.block.pk)


class ConflictsView(LoginRequiredMixin, TemplateView):
    """Every conflict of the coming blocks of the user's schools, grouped by block and
    paged; the other block of a double booking is named, and linked when visible."""

    template_name = "scheduling/conflicts.html"
    per_page = 25

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not schools_for(user).exists():
            raise PermissionDenied(_("The conflicts are for school staff."))
        form = ConflictFilterForm(self.request.GET)
        kinds = engine.KINDS
        if form.is_valid() and form.cleaned_data["kind"]:
            kinds = (form.cleaned_data["kind"],)
        blocks = course_blocks_for(user).filter(
            school__in=schools_for(user), end_date__gte=timezone.localdate()
        )
        found = engine.survey(blocks, kinds)
        ordered = list(
            CourseBlock.objects.filter(pk__in=set().union(*found.flags.values()))
            .order_by("start_date", "course__number", "pk")
            .values_list("pk", flat=True)
        )
        page = Paginator(ordered, self.per_page).get_page(self.request.GET.get("page"))
        # What each block on this page clashes with: the pairs are looked up for the
        # page only.
        by_block = {pk: [] for pk in page}
        pairs = [kind for kind in kinds if kind in engine.PAIR_KINDS]
        for finding in [
            # The flagged blocks are live: the page's ids need no second look.
            *engine.scan(engine.Live(page), pairs),
            *found.findings,
        ]:
            if finding.block_id in by_block:
                by_block[finding.block_id].append(finding)
        others = {f.other_id for findings in by_block.values() for f in findings if f.other_id}
        loaded = CourseBlock.objects.select_related("course", "school", "company").in_bulk(
            [*page, *others]
        )
        visible = set(course_blocks_for(user).filter(pk__in=others).values_list("pk", flat=True))
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            filter_form=form,
            page=page,
            groups=[
                (
                    loaded[pk],
                    [(f, loaded.get(f.other_id), f.other_id in visible) for f in by_block[pk]],
                )
                for pk in page
            ],
            counts=engine.counts(found.flags),
            query=params.urlencode(),
            **kwargs,
        )


class EnrollmentCancelView(BlockMixin, View):
    """POST: take one person off the block or its waiting list; a freed seat goes to
    the first who waits. That cannot be taken back, so the first POST only says what
    will happen and asks; the second, with `confirm`, does it."""

    capability = Capability.SCHEDULE_BLOCKS
    http_method_names = ["post"]
    template_name = "scheduling/enrollment_cancel_confirm.html"

    def post(self, request, pk, enrollment_pk):
        enrollment = get_object_or_404(
            self.block.enrollments.select_related("employee"), pk=enrollment_pk
        )
        if request.POST.get("confirm") != "on":
            waiting = Enrollment.Status.WAITING
            first_waiting = None
            if enrollment.status != waiting:
                first_waiting = (
                    self.block.enrollments.filter(status=waiting)
                    .select_related("employee")
                    .order_by("queued_at", "pk")
                    .first()
                )
            context = {
                "course_block": self.block,
                "enrollment": enrollment,
                "first_waiting": first_waiting,
            }
            return render(request, self.template_name, context)
        try:
            given = services.enrollment_cancel(enrollment=enrollment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is no longer on the block.") % {"name": enrollment.employee.name},
            )
            for place in given:
                messages.info(
                    request,
                    _("%(name)s from the waiting list was offered the seat; their HR is told.")
                    % {"name": place.employee.name},
                )
        return redirect("scheduling:block_detail", self.block.pk)


class ReservationView(BlockMixin, View):
    """POST: hold seats on the block for a company before it names people."""

    capability = Capability.SCHEDULE_BLOCKS
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ReservationForm(
            request.POST, companies=_reserving_companies(request.user, self.block)
        )
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("scheduling:block_detail", self.block.pk)
        company, seats = form.cleaned_data["company"], form.cleaned_data["seats"]
        try:
            services.reservation_set(
                block=self.block, company=company, seats=seats, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(n)s seats are held for %(company)s.") % {"n": seats, "company": company.name}
                if seats
                else _("The reservation of %(company)s was removed.") % {"company": company.name},
            )
        return redirect("scheduling:block_detail", self.block.pk)


class _KeptByThePlanners(LoginRequiredMixin, View):
    """A list the school's coordinators and leaders keep for planning (its closed periods,
    its teachers' qualifications): see it, add to it, remove from it."""

    refusal = ""
    removed = ""
    url_name = ""

    @cached_property
    def schools(self):
        schools = manages_calendar_schools(self.request.user)
        if not schools.exists():
            raise PermissionDenied(self.refusal)
        return schools

    def removable(self):
        raise NotImplementedError

    def remove(self, row):
        raise NotImplementedError

    def add(self, request):
        raise NotImplementedError

    def post(self, request):
        if "remove" not in request.POST:
            return self.add(request)
        row = get_object_or_404(self.removable(), pk=parse_id(request.POST["remove"]) or 0)
        self.remove(row)
        messages.success(request, self.removed)
        return redirect(self.url_name)


class ClosuresView(_KeptByThePlanners):
    """The school calendar: periods the school does not teach (blocks skip them)."""

    template_name = "scheduling/closures.html"
    refusal = gettext_lazy("A school's coordinators and leaders keep its calendar.")
    removed = gettext_lazy("The closed period was removed.")
    url_name = "scheduling:closures"

    def render(self, form):
        schools = self.schools
        today = timezone.localdate()
        closures = (
            SchoolClosure.objects.filter(school__in=schools, last_day__gte=today)
            .select_related("school")
            .order_by("first_day", "school__name")
        )
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "closures": closures,
                "holidays": sorted(public_holidays(today, today + dt.timedelta(days=365)).items()),
            },
        )

    def get(self, request):
        return self.render(ClosureForm(schools=self.schools))

    def removable(self):
        return SchoolClosure.objects.filter(school__in=self.schools)

    def remove(self, row):
        services.closure_remove(closure=row, by=self.request.user)

    def add(self, request):
        form = ClosureForm(request.POST, schools=self.schools)
        if not form.is_valid():
            return self.render(form)
        services.closure_add(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("The school is closed %(first)s – %(last)s. Blocks planned from now on skip it.")
            % {
                "first": f"{form.cleaned_data['first_day']:%d.%m.%Y}",
                "last": f"{form.cleaned_data['last_day']:%d.%m.%Y}",
            },
        )
        return redirect("scheduling:closures")


class QualificationsView(_KeptByThePlanners):
    """Who may teach which courses: the planner gives new blocks only to a qualified
    teacher. Kept by the school's coordinators and leaders."""

    template_name = "scheduling/qualifications.html"
    refusal = gettext_lazy("A school's coordinators and leaders keep its teachers' qualifications.")
    removed = gettext_lazy("The qualification was removed.")
    url_name = "scheduling:qualifications"

    def render(self, form, status=200):
        rows = (
            TeacherQualification.objects.filter(school__in=self.schools)
            .select_related("school", "teacher", "course", "fkb")
            .order_by("school__name", "teacher__first_name", "teacher__last_name", "pk")
        )
        return render(
            self.request, self.template_name, {"form": form, "qualifications": rows}, status=status
        )

    def get(self, request):
        return self.render(QualificationForm(schools=self.schools))

    def removable(self):
        return TeacherQualification.objects.filter(school__in=self.schools)

    def remove(self, row):
        services.qualification_remove(qualification=row, by=self.request.user)

    def add(self, request):
        form = QualificationForm(request.POST, schools=self.schools)
        if form.is_valid():
            try:
                services.qualification_add(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The qualification was added."))
                return redirect("scheduling:qualifications")
        return self.render(form, status=400)


class CalendarFeedsView(LoginRequiredMixin, View):
    """The user's subscribable calendar links: create one, or replace a leaked one."""

    template_name = "scheduling/calendar_feeds.html"

    def get(self, request):
        existing = {
            (f.kind, f.company_id): f for f in CalendarFeed.objects.filter(user=request.user)
        }
        feeds = [
            (kind, company, existing.get((kind, company.pk if company else None)))
            for kind, company in available_feeds(request.user)
        ]
        return render(request, self.template_name, {"feeds": feeds})

    def post(self, request):
        kind, company_pk = request.POST.get("kind", ""), request.POST.get("company", "")
        allowed = {(k, str(c.pk) if c else ""): c for k, c in available_feeds(request.user)}
        if (kind, company_pk) not in allowed:
            raise PermissionDenied(_("That calendar is not yours."))
        feed = feed_get_or_create(user=request.user, kind=kind, company=allowed[(kind, company_pk)])
        if request.POST.get("action") == "regenerate":
            feed_regenerate(feed=feed)
            messages.success(request, _("A new link was made; the old one no longer works."))
        return redirect("scheduling:calendar_feeds")


def calendar_feed(request, token):
    """The .ics behind a secret link; no login (calendar apps cannot log in)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    response = HttpResponse(
        feed_ics(feed, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response


class HandOffView(LoginRequiredMixin, TemplateView):
    """The planned blocks of a period as a file, with the fields a school needs to create
    the runs in its administrative system (EASY-A, Uddata+): for those who plan them."""

    template_name = "scheduling/hand_off.html"
    # The default period: from this week's Monday, a quarter of a year.
    DEFAULT_WEEKS = 13

    def get(self, request, *args, **kwargs):
        schools = scheduling_schools(request.user)
        if not schools.exists():
            raise PermissionDenied(_("The export is for those who plan the course blocks."))
        today = timezone.localdate()
        monday = today - dt.timedelta(days=today.weekday())
        asked = "format" in request.GET
        form = HandOffForm(
            request.GET if asked else None,
            schools=schools,
            initial={
                "first": monday,
                "last": monday + dt.timedelta(weeks=self.DEFAULT_WEEKS, days=-1),
                "format": "csv",
            },
        )
        if asked and form.is_valid():
            data = form.cleaned_data
            name = f"hold-{data['school'].short_name or data['school'].name}-{data['first']}"
            rows = hand_off_rows(
                course_blocks_for(request.user),
                school=data["school"],
                first=data["first"],
                last=data["last"],
            )
            write = xlsx_response if data["format"] == "xlsx" else csv_response
            return write(name, hand_off_columns(), rows)
        status = 400 if asked else 200
        return self.render_to_response(
            self.get_context_data(form=form, columns=hand_off_columns()), status=status
        )
