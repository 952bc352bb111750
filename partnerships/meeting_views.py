"""Meetings and forums, their action items, and the experience log."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from access import (
    Capability,
    can,
    coordinated_partnerships,
    experiences_for,
    may_arrange_meetings,
    may_log_experiences,
    meetings_for,
    partnerships_for,
    schools_for,
)
from access.mixins import ScopedLoadMixin, get_for_user_or_404
from accounts.services import audit_download
from core.pagination import paginate
from core.views import ServiceErrorsOnFormMixin, form_page_context
from partnerships.models import ActionItem

from . import services
from .meeting_forms import (
    ActionItemForm,
    ExperienceFilterForm,
    ExperienceForm,
    MeetingFilterForm,
    MeetingForm,
)
from .meeting_selectors import experience_search, meeting_ics, meeting_list


class MeetingListView(LoginRequiredMixin, TemplateView):
    template_name = "partnerships/meeting_list.html"

    def get_context_data(self, **kwargs):
        form = MeetingFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        meetings = meeting_list(
            meetings_for(self.request.user), filters=filters, now=timezone.now()
        )
        return super().get_context_data(
            filter_form=form, page_obj=paginate(self.request, meetings), **kwargs
        )


class MeetingFormView(LoginRequiredMixin, ServiceErrorsOnFormMixin, FormView):
    template_name = "_form_page.html"
    form_class = MeetingForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = None
        if "pk" in kwargs:
            self.meeting = get_for_user_or_404(
                meetings_for, request.user, Capability.EDIT, pk=kwargs["pk"]
            )
        elif not may_arrange_meetings(request.user):
            raise PermissionDenied(_("Meetings are arranged by school staff."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {}
        if partnership := self.request.GET.get("partnership"):
            initial.update(partnership=partnership, kind="partnership")
        return initial

    def get_form_kwargs(self):
        user = self.request.user
        kwargs = {
            **super().get_form_kwargs(),
            "user": user,
            "editable_partnerships": coordinated_partnerships(user),
            "visible_partnerships": partnerships_for(user),
        }
        if self.meeting:
            kwargs["instance"] = self.meeting
        return kwargs

    def get_context_data(self, **kwargs):
        title = _("Edit meeting") if self.meeting else _("New meeting")
        cancel = (
            reverse("partnerships:meeting_detail", args=[self.meeting.pk])
            if self.meeting
            else reverse("partnerships:meetings")
        )
        crumbs = [(reverse("partnerships:meetings"), _("Meetings"))]
        return super().get_context_data(**form_page_context(title, cancel, crumbs), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if self.meeting:
                meeting = services.meeting_update(
                    meeting=self.meeting, by=self.request.user, **data
                )
            else:
                meeting = services.meeting_create(by=self.request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting was saved."))
        return redirect("partnerships:meeting_detail", meeting.pk)


class MeetingMixin(ScopedLoadMixin):
    scope = staticmethod(meetings_for)
    object_name = "meeting"
    select_related = ("partnership__company",)


class MeetingDetailView(MeetingMixin, TemplateView):
    template_name = "partnerships/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting, user = self.meeting, self.request.user
        can_edit = can(user, Capability.EDIT, meeting)
        return super().get_context_data(
            meeting=meeting,
            schools=list(meeting.schools.order_by("name")),
            participants=list(meeting.participants.order_by("first_name", "last_name")),
            contacts=list(meeting.contact_participants.select_related("company")),
            action_items=list(
                meeting.action_items.select_related("owner", "owner_contact").order_by(
                    "done", "due_date", "pk"
                )
            ),
            can_edit=can_edit,
            action_form=ActionItemForm(meeting=meeting) if can_edit else None,
            **kwargs,
        )


class MeetingCancelView(MeetingMixin, TemplateView):
    """GET says who will be told; POST calls the meeting off."""

    capability = Capability.EDIT
    template_name = "partnerships/meeting_cancel.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        told = meeting.participants.exclude(pk=self.request.user.pk).count()
        return super().get_context_data(
            meeting=meeting,
            told=told + meeting.contact_participants.count(),
            **kwargs,
        )

    def post(self, request, pk):
        services.meeting_cancel(meeting=self.meeting, by=request.user, request=request)
        messages.success(request, _("The meeting is cancelled; the participants were told."))
        return redirect("partnerships:meeting_detail", self.meeting.pk)


class ActionItemCreateView(MeetingMixin, View):
    capability = Capability.EDIT
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ActionItemForm(request.POST, meeting=self.meeting)
        if form.is_valid():
            services.action_item_create(meeting=self.meeting, by=request.user, **form.cleaned_data)
            messages.success(request, _("The action item was added."))
        else:
            errors = "; ".join(str(e) for field in form.errors.values() for e in field)
            messages.error(
                request, _("The action item was not added: %(errors)s") % {"errors": errors}
            )
        return redirect("partnerships:meeting_detail", self.meeting.pk)


class ActionItemDoneView(LoginRequiredMixin, View):
    """Tick an action item off (or back on): its owner or whoever may edit the meeting."""

    http_method_names = ["post"]

    def post(self, request, pk):
        visible = ActionItem.objects.filter(meeting__in=meetings_for(request.user)) | (
            ActionItem.objects.filter(partnership__in=partnerships_for(request.user))
        )
        item = get_object_or_404(visible.distinct(), pk=pk)
        may = (
            item.owner_id == request.user.pk
            or (item.owner_contact_id and item.owner_contact.user_id == request.user.pk)
            or (item.meeting_id and can(request.user, Capability.EDIT, item.meeting))
            or (item.partnership_id and can(request.user, Capability.EDIT, item.partnership))
        )
        if not may:
            raise PermissionDenied(_("Only the owner or the meeting's organiser can do that."))
        services.action_item_set_done(
            item=item, done=request.POST.get("done") == "1", by=request.user
        )
        next_url = request.POST.get("next", "")
        if next_url.startswith("/") and not next_url.startswith("//"):
            return redirect(next_url)
        return redirect("home")


class MeetingIcsView(MeetingMixin, View):
    def get(self, request, pk):
        filename = f"{slugify(self.meeting.title) or 'meeting'}.ics"
        response = HttpResponse(
            meeting_ics(self.meeting, host=request.get_host().split(":")[0]),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        audit_download(actor=request.user, target=self.meeting, filename=filename, request=request)
        return response


# --- experiences ------------------------------------------------------------------


class ExperienceListView(LoginRequiredMixin, TemplateView):
    template_name = "partnerships/experience_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = ExperienceFilterForm(self.request.GET or None, partnerships=partnerships_for(user))
        filters = form.cleaned_data if form.is_valid() else {}
        experiences = experience_search(experiences_for(user), filters=filters)
        return super().get_context_data(
            filter_form=form,
            page_obj=paginate(self.request, experiences),
            can_add=may_log_experiences(user),
            **kwargs,
        )


class ExperienceFormView(LoginRequiredMixin, ServiceErrorsOnFormMixin, FormView):
    template_name = "_form_page.html"
    form_class = ExperienceForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.experience = None
        if "pk" in kwargs:
            self.experience = get_for_user_or_404(
                experiences_for, request.user, Capability.EDIT, pk=kwargs["pk"]
            )
        elif not schools_for(request.user).exists():
            raise PermissionDenied(_("Experiences are written by school staff."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {}
        for name in ("partnership", "meeting"):
            if value := self.request.GET.get(name):
                initial[name] = value
        return initial

    def get_form_kwargs(self):
        user = self.request.user
        kwargs = {
            **super().get_form_kwargs(),
            "user": user,
            "partnerships": partnerships_for(user),
            "meetings": meetings_for(user),
            "schools": schools_for(user),
        }
        if self.experience:
            kwargs["instance"] = self.experience
        return kwargs

    def get_context_data(self, **kwargs):
        title = _("Edit experience") if self.experience else _("Record an experience")
        crumbs = [(reverse("partnerships:experiences"), _("Experiences"))]
        cancel = (
            reverse("partnerships:experience_detail", args=[self.experience.pk])
            if self.experience
            else reverse("partnerships:experiences")
        )
        return super().get_context_data(**form_page_context(title, cancel, crumbs), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        if self.experience:
            experience = services.experience_update(
                experience=self.experience, by=self.request.user, **data
            )
        else:
            experience = services.experience_create(by=self.request.user, **data)
        messages.success(self.request, _("The experience was saved."))
        return redirect("partnerships:experience_detail", experience.pk)


class ExperienceDetailView(LoginRequiredMixin, TemplateView):
    template_name = "partnerships/experience_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        experience = get_for_user_or_404(
            lambda u: experiences_for(u).select_related(
                "author", "school", "partnership__company", "meeting"
            ),
            user,
            pk=self.kwargs["pk"],
        )
        partnership_visible = bool(
            experience.partnership_id
            and partnerships_for(user).filter(pk=experience.partnership_id).exists()
        )
        return super().get_context_data(
            experience=experience,
            themes=list(experience.themes.order_by("name")),
            partnership_visible=partnership_visible,
            can_edit=can(user, Capability.EDIT, experience),
            **kwargs,
        )
