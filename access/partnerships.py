"""Partnerships, their meetings and the experience log."""

from django.db.models import Q, QuerySet

from accounts.models import SchoolRole

from .capabilities import Capability, rule_for
from .roles import (
    active,
    any_school_ids,
    company_ids,
    has_school_role,
    is_consultant,
    is_school_staff,
    model,
    school_ids,
    scope_of,
    through,
)


@scope_of("partnerships.Partnership")
def partnerships_for(user, Partnership) -> QuerySet:
    return Partnership.objects.filter(
        Q(coordinator=user) | of_schools(school_ids(user)) | Q(company__in=company_ids(user))
    )


def of_schools(schools) -> Q:
    """Partnerships led by one of the schools or that the school has joined."""
    Partnership = model("partnerships.Partnership")
    joined = through(Partnership, "other_schools").objects.filter(school__in=schools)
    return Q(lead_school__in=schools) | Q(pk__in=joined.values("partnership_id"))


def coordinated_partnerships(user) -> QuerySet:
    """The partnerships the user coordinates (all of them for an administrator): where
    they may arrange a partnership meeting."""
    visible = partnerships_for(user)
    return visible if user.is_superuser else visible.filter(coordinator=user)


@scope_of("partnerships.Meeting")
def meetings_for(user, Meeting) -> QuerySet:
    """Partnership meetings follow the partnership; forums and seminars are for the
    staff of the schools taking part; participants always see their meetings."""
    of_my_schools = through(Meeting, "schools").objects.filter(school__in=any_school_ids(user))
    taking_part = through(Meeting, "participants").objects.filter(user=user)
    return Meeting.objects.filter(
        Q(partnership__in=partnerships_for(user))
        | Q(partnership__isnull=True, pk__in=of_my_schools.values("meeting_id"))
        | Q(pk__in=taking_part.values("meeting_id"))
        | Q(organiser=user)
    )


@scope_of("partnerships.Experience")
def experiences_for(user, Experience) -> QuerySet:
    """Lessons learned are internal to the schools: 'school' visibility for the staff
    of that school, 'network' for the staff of every school."""
    school_staff = is_school_staff(user)
    network = Q(visibility=Experience.Visibility.NETWORK) if school_staff else Q(pk__in=[])
    return Experience.objects.filter(network | Q(school__in=any_school_ids(user)) | Q(author=user))


def may_arrange_meetings(user) -> bool:
    """Meetings, forums and seminars are arranged by school staff."""
    return is_school_staff(user)


def may_log_experiences(user) -> bool:
    """Any school's staff write to the experience log."""
    return is_school_staff(user)


def can_manage_network(user) -> bool:
    """Create network meetings and curate the experience log."""
    return active(user) and (user.is_superuser or is_consultant(user))


def _leads(user, partnership) -> bool:
    return has_school_role(user, [partnership.lead_school_id], SchoolRole.LEADER)


@rule_for("partnerships.Partnership")
def partnership_rule(user, capability: str, partnership) -> bool:
    if capability in (Capability.VIEW, Capability.DOWNLOAD):
        return partnerships_for(user).filter(pk=partnership.pk).exists()
    if capability in (Capability.EDIT, Capability.SCHEDULE_BLOCKS):
        return partnership.coordinator_id == user.pk
    if capability == Capability.APPROVE_AGREEMENT:
        return _leads(user, partnership)
    if capability in (Capability.MANAGE_PARTNERSHIP, Capability.HAND_OVER):
        # The coordinator or a leader of the lead school.
        return partnership.coordinator_id == user.pk or _leads(user, partnership)
    return False


@rule_for("partnerships.Meeting")
def meeting_rule(user, capability: str, meeting) -> bool:
    if capability == Capability.VIEW:
        return meetings_for(user).filter(pk=meeting.pk).exists()
    if capability == Capability.EDIT:
        if meeting.partnership_id:
            return meeting.partnership.coordinator_id == user.pk or meeting.organiser_id == user.pk
        return meeting.organiser_id == user.pk or is_consultant(user)
    return False


@rule_for("partnerships.Experience")
def experience_rule(user, capability: str, experience) -> bool:
    if capability == Capability.VIEW:
        return experiences_for(user).filter(pk=experience.pk).exists()
    if capability == Capability.EDIT:
        return experience.author_id == user.pk or is_consultant(user)
    return False
