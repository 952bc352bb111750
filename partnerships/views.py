from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from access import (
    Capability,
    can,
    companies_for,
    experiences_for,
    meetings_for,
    partnerships_for,
    registering_schools,
    require,
    schools_for,
)
from access.mixins import ScopedLoadMixin
from accounts.models import SchoolMembership, SchoolRole, User
from core.pagination import paginate
from core.validators import parse_id
from core.views import FormPageMixin
from partnerships.models import ActionItem

from . import services
from .forms import HandOverForm, PartnershipEditForm, PartnershipFilterForm, PartnershipForm
from .selectors import partnership_list, partnership_rows, partnership_timeline


class PartnershipListView(LoginRequiredMixin, TemplateView):
    template_name = "partnerships/partnership_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        coordinators = User.objects.filter(
            pk__in=partnerships_for(user).values("coordinator")
        ).order_by("first_name", "last_name")
        data = self.request.GET.copy()
        if "scope" not in data:
            is_coordinator = SchoolMembership.objects.filter(
                user=user, role=SchoolRole.COORDINATOR
            ).exists()
            data["scope"] = "mine" if is_coordinator else "all"
        form = PartnershipFilterForm(data, schools=schools_for(user), coordinators=coordinators)
        filters = form.cleaned_data if form.is_valid() else {}
        partnerships = partnership_list(
            partnerships_for(user), user=user, filters=filters, now=timezone.now()
        )
        return super().get_context_data(
            filter_form=form,
            page_obj=paginate(self.request, partnerships),
            can_add=registering_schools(user).exists(),
            **kwargs,
        )


class PartnershipMixin(ScopedLoadMixin):
    """Loads self.partnership in scope (404) and checks `capability` (403)."""

    scope = staticmethod(partnerships_for)
    object_name = "partnership"

    def partnership_url(self):
        return reverse("partnerships:detail", args=[self.partnership.pk])


class PartnershipDetailView(PartnershipMixin, TemplateView):
    """The partnership's dashboard."""

    template_name = "partnerships/partnership_detail.html"

    def get_context_data(self, **kwargs):
        user, partnership = self.request.user, self.partnership
        now = timezone.now()
        one = partnerships_for(user).filter(pk=partnership.pk)
        meetings = list(
            meetings_for(user).filter(partnership=partnership).order_by("-starts_at")[:10]
        )
        return super().get_context_data(
            partnership=partnership_rows(one).get(),
            other_schools=list(partnership.other_schools.order_by("name")),
            upcoming_meetings=[m for m in reversed(meetings) if m.starts_at >= now],
            past_meetings=[m for m in meetings if m.starts_at < now],
            action_items=list(
                ActionItem.objects.filter(partnership=partnership, done=False)
                .select_related("owner", "owner_contact")
                .order_by("due_date", "pk")
            ),
            experiences=list(
                experiences_for(user).filter(partnership=partnership).order_by("-created_at")[:5]
            ),
            timeline=partnership_timeline(partnership),
            transitions=services.available_transitions(partnership=partnership, user=user),
            can_edit=can(user, Capability.EDIT, partnership),
            can_hand_over=can(user, Capability.HAND_OVER, partnership),
            today=timezone.localdate(),
            **kwargs,
        )


class PartnershipFormPageMixin(FormPageMixin):
    def get_breadcrumbs(self):
        return [(reverse("partnerships:list"), _("Partnerships"))]

    def get_cancel_url(self):
        return reverse("partnerships:list")


class PartnershipCreateView(LoginRequiredMixin, PartnershipFormPageMixin, FormView):
    form_class = PartnershipForm
    page_title = gettext_lazy("New partnership")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not registering_schools(request.user).exists():
            raise PermissionDenied(_("Only coordinators and school leaders start partnerships."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        user = self.request.user
        initial = {"coordinator": user.pk}
        schools = list(registering_schools(user).values_list("pk", flat=True)[:2])
        if len(schools) == 1:
            initial["lead_school"] = schools[0]
        company_pk = parse_id(self.request.GET.get("company", ""))
        company = companies_for(user).filter(pk=company_pk).first() if company_pk else None
        if company:
            initial["company"] = company.pk
            if company.registered_by_id in schools or len(schools) != 1:
                initial.setdefault("lead_school", company.registered_by_id)
        return initial

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "companies": companies_for(user),
            "lead_schools": registering_schools(user),
        }

    def form_valid(self, form):
        try:
            partnership = services.partnership_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The partnership was created as a prospect."))
        return redirect("partnerships:detail", partnership.pk)


class PartnershipUpdateView(PartnershipMixin, PartnershipFormPageMixin, FormView):
    capability = Capability.EDIT
    form_class = PartnershipEditForm
    page_title = gettext_lazy("Edit partnership")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.partnership}

    def get_breadcrumbs(self):
        return [
            (reverse("partnerships:list"), _("Partnerships")),
            (self.partnership_url(), self.partnership.title),
        ]

    def get_cancel_url(self):
        return self.partnership_url()

    def form_valid(self, form):
        try:
            services.partnership_update(
                partnership=self.partnership, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The partnership was saved."))
        return redirect(self.partnership_url())


class PartnershipTransitionView(PartnershipMixin, View):
    """POST one lifecycle step; refusals come back as a message, never a 500."""

    http_method_names = ["post"]

    def post(self, request, pk):
        name = request.POST.get("transition", "")
        transition = services.LIFECYCLE.transitions.get(name)
        asks_first = (
            transition is not None
            and transition.confirm
            and self.partnership.status in transition.sources
        )
        if asks_first and not request.POST.get("confirmed"):
            return self.confirm_page(transition)
        comment = request.POST.get("comment", "")[:2000]
        try:
            services.partnership_transition(
                partnership=self.partnership,
                name=name,
                by=request.user,
                request=request,
                comment=comment,
                wind_up=request.POST.get("wind_up") == "1",
            )
        except ValidationError as error:
            if asks_first:
                return self.confirm_page(transition, errors=error.messages, comment=comment)
            messages.error(request, " ".join(error.messages))
        else:
            self.partnership.refresh_from_db()
            messages.success(
                request,
                _("The partnership is now “%(status)s”.")
                % {"status": self.partnership.get_status_display()},
            )
        return redirect(self.partnership_url())

    def confirm_page(self, transition, *, errors=(), comment=""):
        """What the step will do, and the choice to go on or stop (nothing written yet)."""
        partnership = self.partnership
        if not can(self.request.user, transition.capability, partnership):
            raise PermissionDenied(_("Your role does not allow this step."))
        consequences = (
            services.conclusion_consequences(partnership) if transition.name == "conclude" else None
        )
        return render(
            self.request,
            "partnerships/transition_confirm.html",
            {
                "partnership": partnership,
                "transition": transition,
                "consequences": consequences,
                "errors": errors,
                "comment": comment,
            },
            status=400 if errors else 200,
        )


class PartnershipHandOverView(PartnershipMixin, PartnershipFormPageMixin, FormView):
    form_class = HandOverForm
    template_name = "partnerships/hand_over.html"
    page_title = gettext_lazy("Hand over to a new coordinator")
    submit_label = gettext_lazy("Hand over")

    def get_context_data(self, **kwargs):
        """With nobody to hand over to, the page says why and where to fix it."""
        context = super().get_context_data(**kwargs)
        school = self.partnership.lead_school
        context["no_candidates"] = not context["form"].fields["coordinator"].queryset.exists()
        context["lead_school"] = school
        context["may_invite"] = can(self.request.user, Capability.MANAGE_PEOPLE, school)
        return context

    def get(self, request, *args, **kwargs):
        self.check_may_hand_over()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_may_hand_over()
        return super().post(request, *args, **kwargs)

    def check_may_hand_over(self):
        user = self.request.user
        require(
            user,
            Capability.HAND_OVER,
            self.partnership,
            _("Only the coordinator or a school leader can hand over."),
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_breadcrumbs(self):
        return [
            (reverse("partnerships:list"), _("Partnerships")),
            (self.partnership_url(), self.partnership.title),
        ]

    def get_cancel_url(self):
        return self.partnership_url()

    def form_valid(self, form):
        new = form.cleaned_data["coordinator"]
        try:
            services.partnership_hand_over(
                partnership=self.partnership,
                new_coordinator=new,
                by=self.request.user,
                request=self.request,
            )
        except ValidationError as error:
            form.add_error("coordinator", error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s is now the coordinator.") % {"name": new})
        return redirect(self.partnership_url())
