"""The people pages of a school (its leaders) and of a company (its HR and coordinators),
and the public page where an invitation is accepted."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from access import (
    Capability,
    companies_for,
    grantable_roles,
    invitations_for,
    led_schools,
    schools_for,
)
from access.mixins import ScopedLoadMixin
from accounts import throttle
from accounts.services import client_address
from companies.models import Company
from core.pagination import paginate
from core.validators import parse_id
from core.views import FormPageMixin, add_service_error
from schools.models import School

from . import selectors, services
from .forms import AcceptForm, InviteForm, MemberForm
from .models import Invitation

PEOPLE_PER_PAGE = 50


@dataclass(frozen=True)
class Place:
    """What differs between a school's and a company's people pages."""

    model: type
    scope: Callable
    prefix: str  # URL names: people:<prefix>, people:<prefix>_invite, …


SCHOOL = Place(School, schools_for, "school")
COMPANY = Place(Company, companies_for, "company")


class PlaceMixin(ScopedLoadMixin):
    """Loads self.organisation in the user's scope (404) with MANAGE_PEOPLE (403)."""

    place: Place = SCHOOL  # set per URL
    capability = Capability.MANAGE_PEOPLE
    object_name = "organisation"

    @property
    def scope(self):
        return self.place.scope

    def people_url(self):
        return reverse(f"people:{self.place.prefix}", args=[self.organisation.pk])

    def roles(self) -> dict[str, str]:
        """The roles this user may give here, with their labels."""
        labels = services.role_labels(self.organisation)
        return {
            role: labels[role] for role in grantable_roles(self.request.user, self.organisation)
        }

    def place_breadcrumbs(self):
        organisation = self.organisation
        if isinstance(organisation, Company):
            return [
                (reverse("companies:list"), _("Companies")),
                (reverse("companies:detail", args=[organisation.pk]), organisation.name),
                (self.people_url(), _("People with access")),
            ]
        return [(self.people_url(), _("Staff of %(school)s") % {"school": organisation})]


class PeopleView(PlaceMixin, TemplateView):
    template_name = "people/people.html"

    def get_context_data(self, **kwargs):
        organisation = self.organisation
        labels = services.role_labels(organisation)
        page = paginate(self.request, selectors.people_at(organisation), PEOPLE_PER_PAGE)
        is_company = isinstance(organisation, Company)
        return super().get_context_data(
            organisation=organisation,
            is_company=is_company,
            page_obj=page,
            rows=selectors.person_rows(page.object_list, labels),
            invitations=list(selectors.invitations_at(organisation)),
            contacts=selectors.contacts_without_login(organisation) if is_company else [],
            # A leader of several schools (or an administrator) switches between them here.
            other_schools=(
                []
                if is_company
                else list(
                    led_schools(self.request.user).exclude(pk=organisation.pk).order_by("name")
                )
            ),
            prefix=self.place.prefix,
            title=(
                _("People with access to %(company)s") % {"company": organisation}
                if is_company
                else _("Staff of %(school)s") % {"school": organisation}
            ),
            breadcrumbs=self.place_breadcrumbs()[:-1],
            **kwargs,
        )


class InviteView(PlaceMixin, FormPageMixin, FormView):
    form_class = InviteForm
    submit_label = gettext_lazy("Send the invitation")

    @property
    def page_title(self):
        return _("Invite a person to %(place)s") % {"place": self.organisation}

    def get_breadcrumbs(self):
        return self.place_breadcrumbs()

    def get_cancel_url(self):
        return self.people_url()

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.organisation,
            "roles": self.roles(),
        }

    def contact(self):
        """?contact=<id> prefills the form from one of the company's contacts."""
        if not isinstance(self.organisation, Company):
            return None
        contact_id = parse_id(self.request.GET.get("contact") or self.request.POST.get("contact"))
        if contact_id is None:
            return None
        return self.organisation.contacts.filter(pk=contact_id).first()

    def get_initial(self):
        contact = self.contact()
        if contact is None:
            return super().get_initial()
        first, _space, last = contact.name.partition(" ")
        role = "hr" if contact.role == contact.Role.HR else "manager"
        return {"first_name": first, "last_name": last, "email": contact.email, "role": role}

    def form_valid(self, form):
        data = form.cleaned_data
        outcome = services.invitation_create(
            by=self.request.user,
            organisation=self.organisation,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            language=data["language"],
            department=data.get("department"),
            contact=self.contact(),
            request=self.request,
        )
        if outcome.added_to_existing:
            messages.success(
                self.request,
                _("%(name)s already has a login and now has access here; we told them by e-mail.")
                % {"name": outcome.user},
            )
        else:
            messages.success(
                self.request,
                _("The invitation was sent to %(email)s. The link works for %(days)s days.")
                % {"email": outcome.invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
        return redirect(self.people_url())


class MemberMixin(PlaceMixin):
    """Loads self.member: a person with a role here (404 otherwise)."""

    def setup_member(self):
        member = selectors.member_at(self.organisation, self.kwargs["user_pk"])
        if member is None:
            raise Http404(_("This person has no access here."))
        self.member = member

    def get(self, request, *args, **kwargs):
        self.setup_member()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_member()
        return super().post(request, *args, **kwargs)

    def member_url(self):
        return reverse(
            f"people:{self.place.prefix}_member", args=[self.organisation.pk, self.member.pk]
        )


class MemberView(MemberMixin, FormView):
    """One person here: roles and department, and the ways to end or reset access."""

    template_name = "people/member.html"
    form_class = MemberForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.organisation,
            "roles": self.roles(),
        }

    def get_initial(self):
        here = self.member.here
        department = next((m.department for m in here if getattr(m, "department", None)), None)
        return {"roles": [m.role for m in here], "department": department}

    def get_context_data(self, **kwargs):
        labels = services.role_labels(self.organisation)
        allowed = set(self.roles())
        held = {m.role for m in self.member.here}
        return super().get_context_data(
            organisation=self.organisation,
            member=self.member,
            row=selectors.person_rows([self.member], labels)[0],
            prefix=self.place.prefix,
            may_manage=held <= allowed and self.member != self.request.user,
            breadcrumbs=self.place_breadcrumbs(),
            **kwargs,
        )

    def form_valid(self, form):
        if self.member == self.request.user:
            form.add_error(None, _("Ask another leader to change your own roles."))
            return self.form_invalid(form)
        # Roles the user may not give stay as they are (the form does not offer them).
        kept = [m.role for m in self.member.here if m.role not in self.roles()]
        try:
            changed = services.member_set_roles(
                by=self.request.user,
                user=self.member,
                organisation=self.organisation,
                roles=[*form.cleaned_data["roles"], *kept],
                department=form.cleaned_data.get("department"),
                request=self.request,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if changed:
            messages.success(
                self.request,
                _("The roles of %(name)s were saved; they were logged out so they apply at once.")
                % {"name": self.member},
            )
        return redirect(self.people_url())


class MemberConfirmView(MemberMixin, TemplateView):
    """A step that takes access away: GET says what will happen, POST does it."""

    template_name = "people/confirm.html"
    action: str

    def get_context_data(self, **kwargs):
        organisation = self.organisation
        roles = services.member_roles(self.member, organisation)
        labels = services.role_labels(organisation)
        return super().get_context_data(
            organisation=organisation,
            member=self.member,
            action=self.action,
            roles=[labels.get(r, r) for r in sorted(roles)],
            deactivates=not (
                self.member.is_superuser or services.has_access_elsewhere(self.member, organisation)
            ),
            blockers=list(services.coordinated_partnerships(self.member, organisation)),
            is_self=self.member == self.request.user,
            cancel_url=self.member_url(),
            breadcrumbs=[*self.place_breadcrumbs(), (self.member_url(), str(self.member))],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.setup_member()
        try:
            self.perform()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.member_url())
        return redirect(self.people_url())


class MemberEndView(MemberConfirmView):
    action = "end"

    def perform(self):
        deactivated = services.member_end_access(
            by=self.request.user,
            user=self.member,
            organisation=self.organisation,
            request=self.request,
        )
        text = (
            _("%(name)s no longer has access and their login was deactivated.")
            if deactivated
            else _("%(name)s no longer has access here.")
        )
        messages.success(self.request, text % {"name": self.member})


class MemberTwoFactorResetView(MemberConfirmView):
    action = "two_factor"

    def perform(self):
        services.member_reset_two_factor(
            by=self.request.user,
            user=self.member,
            organisation=self.organisation,
            request=self.request,
        )
        messages.success(
            self.request,
            _("The two-factor login of %(name)s was reset; they set it up again at next login.")
            % {"name": self.member},
        )


class InvitationActionView(LoginRequiredMixin, View):
    """Resend or revoke an open invitation (POST only)."""

    http_method_names = ["post"]
    action = "resend"  # or "revoke", set per URL

    def post(self, request, pk):
        invitation = get_object_or_404(
            invitations_for(request.user).select_related("school", "company"), pk=pk
        )
        # The services check the right to give this role here (403 without it).
        try:
            if self.action == "resend":
                services.invitation_resend(by=request.user, invitation=invitation, request=request)
                messages.success(
                    request,
                    _("A new link was sent to %(email)s; the old one no longer works.")
                    % {"email": invitation.email},
                )
            else:
                services.invitation_revoke(by=request.user, invitation=invitation, request=request)
                messages.success(
                    request,
                    _("The invitation to %(email)s was revoked.") % {"email": invitation.email},
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(services.people_url(invitation.organisation))


# --- the invitee's side (no login) -------------------------------------------------


def _too_many(request) -> bool:
    rule = throttle.INVITATION_ADDRESS
    return throttle.is_throttled(rule, client_address(request) or "")


def _count_attempt(request) -> None:
    throttle.throttle_hit(throttle.INVITATION_ADDRESS, client_address(request) or "")


def _throttled_page(request):
    return render(request, "people/link_problem.html", {"problem": "throttled"}, status=429)


class AcceptView(View):
    """The link in the e-mail: choose a password and start."""

    template_name = "people/accept.html"

    def _load(self, request, token):
        return services.invitation_for_token(token)

    def _problem(self, request, invitation, token):
        if invitation is None:
            return render(request, "people/link_problem.html", {"problem": "unknown"}, status=404)
        status = invitation.status()
        if status != Invitation.Status.PENDING:
            context = {"problem": status, "invitation": invitation, "token": token}
            return render(request, "people/link_problem.html", context, status=410)
        if request.user.is_authenticated:
            context = {"problem": "signed_in", "invitation": invitation}
            return render(request, "people/link_problem.html", context, status=409)
        return None

    def _render(self, request, invitation, form, status=200):
        context = {
            "invitation": invitation,
            "form": form,
            "has_login": services.has_active_login(invitation.email),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        if _too_many(request):
            return _throttled_page(request)
        invitation = self._load(request, token)
        problem = self._problem(request, invitation, token)
        if problem:
            return problem
        form = AcceptForm(
            email=invitation.email,
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
        return self._render(request, invitation, form)

    def post(self, request, token):
        if _too_many(request):
            return _throttled_page(request)
        _count_attempt(request)
        invitation = self._load(request, token)
        problem = self._problem(request, invitation, token)
        if problem:
            return problem
        has_login = services.has_active_login(invitation.email)
        form = AcceptForm(request.POST, email=invitation.email)
        if has_login:
            form = None
        elif not form.is_valid():
            return self._render(request, invitation, form, status=400)
        data = form.cleaned_data if form else {}
        try:
            user = services.invitation_accept(
                token=token,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("new_password1"),
                request=request,
            )
        except services.InvitationClosed:
            return self._problem(request, services.invitation_for_token(token), token)
        if has_login:
            messages.success(
                request,
                _("You now have access to %(place)s. Log in with your login.")
                % {"place": invitation.organisation},
            )
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome! You now have access to %(place)s.") % {"place": invitation.organisation},
        )
        return redirect("home")


class RequestLinkView(View):
    """An expired or revoked link: ask the inviter for a new one (POST only)."""

    http_method_names = ["post"]

    def post(self, request, token):
        if _too_many(request):
            return _throttled_page(request)
        _count_attempt(request)
        invitation = services.invitation_for_token(token)
        if invitation is None:
            return render(request, "people/link_problem.html", {"problem": "unknown"}, status=404)
        if invitation.status() in (Invitation.Status.EXPIRED, Invitation.Status.REVOKED):
            services.invitation_request_link(invitation=invitation, request=request)
        return render(
            request, "people/link_problem.html", {"problem": "requested", "invitation": invitation}
        )
