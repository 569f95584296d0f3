"""Training plans: drafting, submitting, reviewing (SPEC 二(二)–(四)).

A plan is checked against the rule set in force for the project's region on the day it is submitted (kept on the
plan); a plan that breaks any rule cannot be approved, and the refusal names each rule and by how much.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from training.models import Course, Modality, PlanStatus, TrainingPlan
from training.scope import is_visible
from training.selectors.plans import plan_check
from training.selectors.policy import rule_set_in_force

EDITABLE = {PlanStatus.DRAFT, PlanStatus.RETURNED}
AUTHOR = "training.author_plan"
REVIEWER = "training.approve_plan"


def _actor_error(user, plan, permission: str) -> str | None:
    if user.has_perm(permission) and is_visible(user, plan.project):
        return None
    return "无权进行此操作"


@transaction.atomic
def plan_create(*, project, personnel_class: int) -> TrainingPlan:
    plan = TrainingPlan(project=project, personnel_class=personnel_class)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def course_add(
    *,
    plan: TrainingPlan,
    title: str,
    hours,
    modality: str,
    is_documentary: bool = False,
    order: int | None = None,
    by=None,
) -> Course:
    """Add a course to a draft or returned plan (`by`: the user, checked when given; None = system/demo)."""
    plan = TrainingPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)
    if by is not None and (reason := _actor_error(by, plan, AUTHOR)):
        raise ValidationError(reason)
    if plan.status not in EDITABLE:
        raise ValidationError(f"培训计划{plan.get_status_display()}，不能修改课程")
    if order is None:
        order = plan.courses.count() + 1
    course = Course(
        plan=plan,
        title=title.strip(),
        hours=Decimal(str(hours)),
        modality=modality,
        is_documentary=is_documentary,
        order=order,
    )
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def documentary_add(*, plan: TrainingPlan, hours=2, title: str | None = None) -> Course:
    """The compulsory documentary 《生命重于泰山》 as an online course of the plan."""
    rule_set = rule_set_in_force(plan.project.region)
    return course_add(
        plan=plan,
        title=title or f"专题片《{rule_set.documentary_title}》",
        hours=hours,
        modality=Modality.ONLINE,
        is_documentary=True,
        order=0,
    )


@transaction.atomic
def plan_submit(*, plan: TrainingPlan, by) -> TrainingPlan:
    """Submit for review under the rule set in force today for the project's region."""
    plan = TrainingPlan.objects.select_for_update().select_related("project__region").get(pk=plan.pk)
    reason = _actor_error(by, plan, AUTHOR)
    if reason:
        raise ValidationError(reason)
    if plan.status not in EDITABLE:
        raise ValidationError(f"培训计划{plan.get_status_display()}，不能再次提交")
    if not plan.courses.exists():
        raise ValidationError("培训计划没有课程，不能提交")
    plan.rule_set = rule_set_in_force(plan.project.region, timezone.localdate())
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at, plan.submitted_by = timezone.now(), by
    plan.save()
    return plan


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, by, comment: str = "") -> TrainingPlan:
    """HR/EM of the region approve a submitted plan that meets every rule of its rule set."""
    plan = TrainingPlan.objects.select_for_update().select_related("project__region").get(pk=plan.pk)
    reason = _actor_error(by, plan, REVIEWER)
    if reason:
        raise ValidationError(reason)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(f"培训计划{plan.get_status_display()}，不能批准")
    check = plan_check(plan)
    if check.errors:
        raise ValidationError([f"不符合培训规则：{e}" for e in check.errors])
    plan.status = PlanStatus.APPROVED
    plan.reviewed_at, plan.reviewed_by, plan.review_comment = timezone.now(), by, comment
    plan.save()
    return plan


@transaction.atomic
def plan_return(*, plan: TrainingPlan, by, comment: str) -> TrainingPlan:
    """Send a submitted plan back to its author with the reviewer's comment."""
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    reason = _actor_error(by, plan, REVIEWER)
    if reason:
        raise ValidationError(reason)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(f"培训计划{plan.get_status_display()}，不能退回")
    if not comment.strip():
        raise ValidationError("审核意见：退回时必须填写")
    plan.status = PlanStatus.RETURNED
    plan.reviewed_at, plan.reviewed_by, plan.review_comment = timezone.now(), by, comment.strip()
    plan.save()
    return plan
