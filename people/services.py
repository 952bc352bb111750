"""Inviting people and managing their access: every write of the people pages.

Each function checks the actor's right to give or take the roles involved (one rule,
access.grantable_roles), writes in one transaction, audits, and sends its
e-mail only after the commit.
"""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import company_people, grantable_roles, school_people
from accounts.models import (
    AuditEvent,
    CompanyMembership,
    CompanyRole,
    SchoolMembership,
    SchoolRole,
    User,
)
from accounts.services import audit_record, user_end_sessions
from companies.models import Company, Contact
from core.mail import send_templated
from notifications import kinds
from notifications import services as notifications
from partnerships.models import Partnership
from scheduling.models import CalendarFeed
from schools.models import Department, School

from .models import Invitation, token_digest

logger = logging.getLogger(__name__)

# 256 random bits per link; only their SHA-256 digest is stored.
TOKEN_BYTES = 32

Organisation = School | Company


def memberships_at(organisation: Organisation):
    if isinstance(organisation, School):
        return SchoolMembership.objects.filter(school=organisation)
    return CompanyMembership.objects.filter(company=organisation)


def role_labels(organisation: Organisation) -> dict[str, str]:
    choices = SchoolRole if isinstance(organisation, School) else CompanyRole
    return dict(choices.choices)


def _check_roles(by: User | None, organisation: Organisation, roles) -> None:
    """`by` None is the installation itself (the first-run command)."""
    if by is None:
        return
    allowed = grantable_roles(by, organisation)
    refused = [role for role in roles if role not in allowed]
    if refused:
        labels = role_labels(organisation)
        raise PermissionDenied(
            _("You may not give or take the role %(role)s at %(organisation)s.")
            % {"role": labels.get(refused[0], refused[0]), "organisation": organisation}
        )


def _check_department(organisation: Organisation, department: Department | None) -> None:
    if department is not None and (
        not isinstance(organisation, School) or department.school_id != organisation.pk
    ):
        raise ValidationError({"department": _("Choose a department of this school.")})


def account_for_email(email: str) -> User | None:
    """The one login that uses this address; several make the address ambiguous."""
    matches = list(User.objects.filter(email__iexact=email.strip()).order_by("pk")[:2])
    if len(matches) > 1:
        raise ValidationError(
            {
                "email": _(
                    "Several logins use this e-mail address. Ask an administrator to merge "
                    "them before inviting it."
                )
            }
        )
    return matches[0] if matches else None


def _grant(user: User, organisation: Organisation, role: str, department=None) -> bool:
    """Give one role; True when it is new."""
    if isinstance(organisation, School):
        membership, created = SchoolMembership.objects.get_or_create(
            user=user, school=organisation, role=role, defaults={"department": department}
        )
        if department is not None and membership.department_id != department.pk:
            membership.department = department
            membership.save(update_fields=["department", "updated_at"])
        return created
    return CompanyMembership.objects.get_or_create(user=user, company=organisation, role=role)[1]


def _link_contact(contact: Contact | None, user: User) -> None:
    if contact is not None:
        Contact.objects.filter(pk=contact.pk).update(user=user)


# --- e-mail ------------------------------------------------------------------------


def _send(template: str, context: dict, *, to: str, language: str) -> None:
    """A plain-text and an HTML part, in the recipient's language."""
    with translation.override(language):
        send_templated(
            subject=render_to_string(f"people/email/{template}_subject.txt", context),
            template=f"people/email/{template}",
            context=context,
            to=[to],
        )


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("people:accept", args=[token])


def _deliver_invitation(invitation_id: int, token: str) -> None:
    """Runs after the commit. A mail server that is down does not undo the invitation:
    the problem is kept on it and shown on the people page, where it can be resent."""
    invitation = Invitation.objects.select_related("school", "company", "invited_by").get(
        pk=invitation_id
    )
    context = {
        "invitation": invitation,
        "url": invitation_url(token),
        "organisation": invitation.organisation,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    try:
        _send("invitation", context, to=invitation.email, language=invitation.language)
    except Exception as error:  # any transport failure (SMTP, DNS, refused…)
        logger.warning("Invitation %s was not delivered: %s", invitation_id, error)
        Invitation.objects.filter(pk=invitation_id).update(send_error=str(error)[:250])
        return
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now(), send_error="")


def _deliver_access_granted(user_id: int, organisation: Organisation, role: str) -> None:
    user = User.objects.get(pk=user_id)
    context = {
        "user": user,
        "organisation": organisation,
        "role": role_labels(organisation).get(role, role),
        "url": settings.SITE_URL + reverse("home"),
    }
    try:
        _send("access_granted", context, to=user.email, language=user.language)
    except Exception as error:
        logger.warning("Access e-mail to user %s was not delivered: %s", user_id, error)


# --- invitations -------------------------------------------------------------------


@dataclass
class InviteOutcome:
    """An invitation with its link, or, for an address that already has a login, the
    membership given at once (and the person told)."""

    invitation: Invitation | None = None
    token: str = ""
    user: User | None = None

    @property
    def added_to_existing(self) -> bool:
        return self.invitation is None


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS)


def open_invitations(organisation: Organisation):
    """Not accepted and not revoked: waiting, or expired and worth sending again."""
    field = "school" if isinstance(organisation, School) else "company"
    return Invitation.objects.filter(
        **{field: organisation}, accepted_at__isnull=True, revoked_at__isnull=True
    )


@transaction.atomic
def invitation_create(
    *,
    by: User | None,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str = "",
    role: str,
    language: str = settings.LANGUAGE_CODE,
    department: Department | None = None,
    contact: Contact | None = None,
    request=None,
) -> InviteOutcome:
    _check_roles(by, organisation, [role])
    if role not in role_labels(organisation):
        raise ValidationError({"role": _("Choose one of the roles offered.")})
    _check_department(organisation, department)
    if contact is not None and (
        not isinstance(organisation, Company) or contact.company_id != organisation.pk
    ):
        raise ValidationError(_("The contact belongs to another company."))
    email = email.strip()
    existing = account_for_email(email)
    if existing is not None and existing.is_active:
        created = _grant(existing, organisation, role, department)
        _link_contact(contact, existing)
        if created:
            audit_record(
                action=AuditEvent.Action.ACCESS_GRANTED,
                actor=by,
                target=organisation,
                request=request,
                data={"user": str(existing), "user_id": existing.pk, "role": role},
            )
            transaction.on_commit(lambda: _deliver_access_granted(existing.pk, organisation, role))
        return InviteOutcome(user=existing)

    # One open invitation per person and place: a new one replaces the old link.
    open_invitations(organisation).filter(email__iexact=email).update(revoked_at=timezone.now())
    token = _new_token()
    invitation = Invitation.objects.create(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        school=organisation if isinstance(organisation, School) else None,
        company=organisation if isinstance(organisation, Company) else None,
        role=role,
        department=department,
        contact=contact,
        invited_by=by,
        token_digest=token_digest(token),
        expires_at=_expiry(),
    )
    audit_record(
        action=AuditEvent.Action.INVITATION_SENT,
        actor=by,
        actor_name="" if by else "create_school",
        target=organisation,
        request=request,
        data={"email": email, "role": role, "invitation": invitation.pk},
    )
    transaction.on_commit(lambda: _deliver_invitation(invitation.pk, token))
    return InviteOutcome(invitation=invitation, token=token)


def _check_may_manage(by: User, invitation: Invitation) -> None:
    _check_roles(by, invitation.organisation, [invitation.role])


@transaction.atomic
def invitation_resend(*, by: User, invitation: Invitation, request=None) -> str:
    """A fresh link and a fresh expiry; the old link stops working."""
    _check_may_manage(by, invitation)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation is closed; invite the person again instead."))
    token = _new_token()
    invitation.token_digest = token_digest(token)
    invitation.expires_at = _expiry()
    invitation.send_error = ""
    invitation.save(update_fields=["token_digest", "expires_at", "send_error"])
    audit_record(
        action=AuditEvent.Action.INVITATION_RESENT,
        actor=by,
        target=invitation.organisation,
        request=request,
        data={"email": invitation.email, "role": invitation.role, "invitation": invitation.pk},
    )
    transaction.on_commit(lambda: _deliver_invitation(invitation.pk, token))
    return token


@transaction.atomic
def invitation_revoke(*, by: User, invitation: Invitation, request=None) -> None:
    _check_may_manage(by, invitation)
    if invitation.accepted_at:
        raise ValidationError(
            _("The invitation was already accepted; end the person's access instead.")
        )
    if invitation.revoked_at:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action=AuditEvent.Action.INVITATION_REVOKED,
        actor=by,
        target=invitation.organisation,
        request=request,
        data={"email": invitation.email, "role": invitation.role, "invitation": invitation.pk},
    )


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("school", "company", "invited_by")
        .filter(token_digest=token_digest(token))
        .first()
    )


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class InvitationClosed(ValidationError):
    """The link was used, revoked or has expired (the page says which)."""


@transaction.atomic
def invitation_accept(
    *, token: str, first_name: str, last_name: str, password: str | None, request=None
) -> User:
    """Create the login (or wake a deactivated one with this address), give the role and
    close the link. An address that got an active login meanwhile keeps its password."""
    invitation = (
        Invitation.objects.select_for_update().filter(token_digest=token_digest(token)).first()
    )
    if invitation is None or invitation.status() != Invitation.Status.PENDING:
        raise InvitationClosed(_("This invitation link can no longer be used."))
    organisation = invitation.organisation
    user = account_for_email(invitation.email)
    if user is None:
        user = User(username=_free_username(invitation.email), email=invitation.email)
    if not (user.pk and user.is_active):
        if not password:
            raise ValidationError({"new_password1": _("Choose a password.")})
        user.set_password(password)
        user.is_active = True
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
        user.language = invitation.language
        user.save()
    _grant(user, organisation, invitation.role, invitation.department)
    _link_contact(invitation.contact, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action=AuditEvent.Action.INVITATION_ACCEPTED,
        actor=user,
        target=organisation,
        request=request,
        data={"user": str(user), "user_id": user.pk, "role": invitation.role},
    )
    if invitation.invited_by_id:
        notifications.notify(
            kinds.INVITATION_ACCEPTED,
            recipients=[invitation.invited_by],
            target=user,
            url=people_url(organisation),
            actor=user,
            message=str(organisation),
        )
    return user


@transaction.atomic
def invitation_request_link(*, invitation: Invitation, request=None) -> None:
    """The invitee of an expired or revoked link asks for a new one: the inviter (or the
    place's managers when the inviter has left) gets an e-mail to act on."""
    audit_record(
        action=AuditEvent.Action.INVITATION_LINK_REQUESTED,
        target=invitation.organisation,
        request=request,
        actor_name=invitation.email[:150],
        data={"email": invitation.email, "invitation": invitation.pk},
    )
    recipients = _managers_to_tell(invitation)
    organisation = invitation.organisation

    def deliver():
        url = settings.SITE_URL + people_url(organisation)
        for person in recipients:
            try:
                _send(
                    "link_requested",
                    {"invitation": invitation, "organisation": organisation, "url": url},
                    to=person.email,
                    language=person.language,
                )
            except Exception as error:
                logger.warning("Link request e-mail was not delivered: %s", error)

    transaction.on_commit(deliver)


def people_url(organisation: Organisation) -> str:
    if isinstance(organisation, School):
        return reverse("people:school", args=[organisation.pk])
    return reverse("people:company", args=[organisation.pk])


def _managers_to_tell(invitation: Invitation) -> list[User]:
    inviter = invitation.invited_by
    still_may_invite = (
        inviter is not None
        and inviter.is_active
        and inviter.email
        and invitation.role in grantable_roles(inviter, invitation.organisation)
    )
    if still_may_invite:
        return [inviter]
    organisation = invitation.organisation
    if isinstance(organisation, School):
        managers = school_people(organisation.pk, SchoolRole.LEADER)
    else:
        managers = company_people(organisation.pk, CompanyRole.HR)
    return list(managers.exclude(email=""))


# --- members -----------------------------------------------------------------------


def has_access_elsewhere(user: User, organisation: Organisation) -> bool:
    """Does the person keep a role at another school or company?"""
    schools = SchoolMembership.objects.filter(user=user)
    companies = CompanyMembership.objects.filter(user=user)
    if isinstance(organisation, School):
        schools = schools.exclude(school=organisation)
    else:
        companies = companies.exclude(company=organisation)
    return schools.exists() or companies.exists()


def has_active_login(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip(), is_active=True).exists()


def member_roles(user: User, organisation: Organisation) -> set[str]:
    return set(memberships_at(organisation).filter(user=user).values_list("role", flat=True))


def coordinated_partnerships(user: User, organisation: Organisation):
    """Partnerships the person coordinates for this school (or with this company, for
    a company's people there are none): they must be handed over before access ends."""
    if not isinstance(organisation, School):
        return Partnership.objects.none()
    return Partnership.objects.filter(coordinator=user, lead_school=organisation).exclude(
        status=Partnership.Status.CONCLUDED
    )


def _audit_members(action, *, by, organisation, user, request, **data) -> AuditEvent:
    return audit_record(
        action=action,
        actor=by,
        target=organisation,
        request=request,
        data={"user": str(user), "user_id": user.pk, **data},
    )


@transaction.atomic
def member_set_roles(
    *,
    by: User,
    user: User,
    organisation: Organisation,
    roles: list[str],
    department: Department | None = None,
    request=None,
) -> bool:
    """Give and take roles at one place; the person is logged out so that the menu and
    two-factor requirement of the new roles apply at once. True when anything changed."""
    current = member_roles(user, organisation)
    if not current:
        raise ValidationError(_("This person has no access here."))
    wanted = set(roles)
    if not wanted:
        raise ValidationError(
            {"roles": _("Choose at least one role, or end the person's access instead.")}
        )
    _check_roles(by, organisation, current ^ wanted)
    _check_department(organisation, department)
    removed, added = current - wanted, wanted - current
    if SchoolRole.LEADER in removed and isinstance(organisation, School):
        _keep_a_leader(organisation, user)
    if SchoolRole.COORDINATOR in removed and coordinated_partnerships(user, organisation).exists():
        raise ValidationError(
            {"roles": _("Hand over the partnerships this person coordinates first.")}
        )
    memberships_at(organisation).filter(user=user, role__in=removed).delete()
    for role in sorted(added):
        _grant(user, organisation, role, department)
    department_changed = False
    if isinstance(organisation, School):
        department_changed = (
            memberships_at(organisation)
            .filter(user=user)
            .exclude(department=department)
            .update(department=department)
        ) > 0
    if not (removed or added or department_changed):
        return False
    _audit_members(
        AuditEvent.Action.ROLES_CHANGED,
        by=by,
        organisation=organisation,
        user=user,
        request=request,
        before=sorted(current),
        after=sorted(wanted),
    )
    if removed or added:
        user_end_sessions(user=user)
    return True


def _keep_a_leader(school: School, leaving: User) -> None:
    others = (
        SchoolMembership.objects.filter(school=school, role=SchoolRole.LEADER, user__is_active=True)
        .exclude(user=leaving)
        .exists()
    )
    if not others:
        raise ValidationError(
            _("%(school)s must keep at least one leader. Invite another leader first.")
            % {"school": school}
        )


@transaction.atomic
def member_end_access(*, by: User, user: User, organisation: Organisation, request=None) -> bool:
    """The person leaves this place: their roles here go, their calendar links for it
    stop, their sessions end, and a login with no place left is deactivated (never
    deleted: what they wrote stays, with their name). True when deactivated."""
    if user == by:
        raise ValidationError(_("You cannot end your own access. Ask another leader."))
    roles = member_roles(user, organisation)
    if not roles:
        raise ValidationError(_("This person has no access here."))
    _check_roles(by, organisation, roles)
    if SchoolRole.LEADER in roles and isinstance(organisation, School):
        _keep_a_leader(organisation, user)
    if coordinated_partnerships(user, organisation).exists():
        raise ValidationError(_("Hand over the partnerships this person coordinates first."))
    deactivate = not (user.is_superuser or has_access_elsewhere(user, organisation))
    memberships_at(organisation).filter(user=user).delete()
    if isinstance(organisation, Company):
        CalendarFeed.objects.filter(user=user, company=organisation).delete()
        Contact.objects.filter(user=user, company=organisation).update(user=None)
    elif not SchoolMembership.objects.filter(user=user).exists():
        CalendarFeed.objects.filter(user=user, company__isnull=True).delete()
    if deactivate:
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
    user_end_sessions(user=user)
    _audit_members(
        AuditEvent.Action.ACCESS_ENDED,
        by=by,
        organisation=organisation,
        user=user,
        request=request,
        roles=sorted(roles),
        deactivated=deactivate,
    )
    return deactivate


@transaction.atomic
def member_reset_two_factor(
    *, by: User, user: User, organisation: Organisation, request=None
) -> None:
    """After a lost phone: the person's authenticator and recovery codes go, their
    sessions end, and their next login makes them set up two-factor again."""
    if user == by:
        raise ValidationError(_("Manage your own two-factor login on your own page."))
    roles = member_roles(user, organisation)
    if not roles:
        raise ValidationError(_("This person has no access here."))
    _check_roles(by, organisation, roles)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_reset=True)
    user.two_factor_reset = True
    user_end_sessions(user=user)
    audit_record(
        action=AuditEvent.Action.TWO_FACTOR_RESET,
        actor=by,
        target=user,
        request=request,
        data={"organisation": str(organisation)},
    )
