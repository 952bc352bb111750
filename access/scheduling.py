"""Course blocks: the school's week plan, the teachers', the companies'."""

from django.db.models import Q, QuerySet

from accounts.models import SchoolRole

from .capabilities import Capability, can, rule_for
from .partnerships import partnerships_for
from .plans import plan_schools
from .roles import company_ids, has_school_role, model, school_ids, scope_of, through


@scope_of("scheduling.CourseBlock")
def course_blocks_for(user, CourseBlock) -> QuerySet:
    """School staff read their school's week plan; teachers the blocks they teach;
    company users the blocks their employees attend or that run at their company."""
    companies = company_ids(user)
    taught = through(CourseBlock, "teachers").objects.filter(user=user)
    attended = model("scheduling.Enrollment").objects.filter(employee__company__in=companies)
    return CourseBlock.objects.filter(
        Q(school__in=school_ids(user))
        | Q(pk__in=taught.values("courseblock_id"))
        | Q(company__in=companies)
        | Q(pk__in=attended.values("course_block_id"))
    )


@rule_for("scheduling.CourseBlock")
def block_rule(user, capability: str, block) -> bool:
    if capability == Capability.VIEW:
        return course_blocks_for(user).filter(pk=block.pk).exists()
    if capability in (Capability.EDIT, Capability.SCHEDULE_BLOCKS):
        return has_school_role(user, [block.school_id], SchoolRole.COORDINATOR)
    if capability in (Capability.PRINT_EVALUATION_SHEETS, Capability.RECORD_ATTENDANCE):
        # Its teachers, and the coordinators of its school.
        return (
            has_school_role(user, [block.school_id], SchoolRole.COORDINATOR)
            or block.teachers.filter(pk=user.pk).exists()
        )
    return False


@scope_of("scheduling.ScheduleProposal")
def schedule_proposals_for(user, ScheduleProposal) -> QuerySet:
    """Proposals of the plans the user reads, at schools whose staff they are."""
    return ScheduleProposal.objects.filter(
        plan__in=model("competence_plans.CompetencePlan").objects.filter(
            partnership__in=partnerships_for(user)
        ),
        school__in=school_ids(user),
    )


@rule_for("scheduling.ScheduleProposal")
def proposal_rule(user, capability: str, proposal) -> bool:
    """A proposal is the coordinator's draft: they alone see it through, while the plan
    is still one to schedule and they still plan at its school."""
    if capability in (Capability.VIEW, Capability.EDIT):
        return (
            can(user, Capability.PROPOSE_SCHEDULE, proposal.plan)
            and plan_schools(user, proposal.plan).filter(pk=proposal.school_id).exists()
        )
    return False
