"""Training plans: drafting, submitting, reviewing (SPEC 二(二)–(四)).

A plan is checked against the rule set in force for the project's region on the day it is submitted (kept on the
plan); a plan that breaks any rule cannot be approved, and the refusal names each rule and by how much.

Separation of duties: every step is written to the plan's history (PlanChange), and nobody who created, edited or
submitted a plan may approve it, whatever door they come through (plan page, admin).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from training.models import AUTHORING_ACTIONS, Course, Modality, PlanAction, PlanChange, PlanStatus, TrainingPlan
from training.scope import is_visible
from training.selectors.plans import plan_check
from training.selectors.policy import rule_set_in_force
from training.services.completion import completion_refresh_plan

EDITABLE = {PlanStatus.DRAFT, PlanStatus.RETURNED}
AUTHOR = "training.author_plan"
REVIEWER = "training.approve_plan"


def _actor_error(user, plan, permission: str) -> str | None:
    if user.has_perm(permission) and is_visible(user, plan.project):
        return None
    return "无权进行此操作"


def _record(plan: TrainingPlan, action: str, by, note: str = "") -> None:
    if by is not None:
        PlanChange.objects.create(plan=plan, action=action, by=by, note=note[:200])


def plan_author_ids(plan: TrainingPlan) -> set[int]:
    """Everyone who created, edited or submitted the plan (from its history)."""
    return set(plan.history.filter(action__in=AUTHORING_ACTIONS).values_list("by_id", flat=True))


@transaction.atomic
def plan_create(*, project, personnel_class: int, by=None) -> TrainingPlan:
    """A draft plan for one personnel class of the project (`by`: the author, checked and recorded when given)."""
    plan = TrainingPlan(project=project, personnel_class=personnel_class)
    if by is not None and (reason := _actor_error(by, plan, AUTHOR)):
        raise ValidationError(reason)
    plan.full_clean()
    plan.save()
    _record(plan, PlanAction.CREATED, by)
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
    _record(plan, PlanAction.COURSE_ADDED, by, course.title)
    completion_refresh_plan(plan=plan)
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
    _record(plan, PlanAction.SUBMITTED, by)
    completion_refresh_plan(plan=plan)
    return plan


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, by, comment: str = "") -> TrainingPlan:
    """HR/EM of the region approve a submitted plan that meets every rule of its rule set; never one of its
    authors (anyone who created, edited or submitted it)."""
    plan = TrainingPlan.objects.select_for_update().select_related("project__region").get(pk=plan.pk)
    reason = _actor_error(by, plan, REVIEWER)
    if reason:
        raise ValidationError(reason)
    if by.pk in plan_author_ids(plan):
        raise ValidationError("不能批准本人创建、修改或提交的培训计划：须由其他审核人员批准")
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(f"培训计划{plan.get_status_display()}，不能批准")
    check = plan_check(plan)
    if check.errors:
        raise ValidationError([f"不符合培训规则：{e}" for e in check.errors])
    plan.status = PlanStatus.APPROVED
    plan.reviewed_at, plan.reviewed_by, plan.review_comment = timezone.now(), by, comment
    plan.save()
    _record(plan, PlanAction.APPROVED, by, comment)
    completion_refresh_plan(plan=plan)
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
    _record(plan, PlanAction.RETURNED, by, comment.strip())
    completion_refresh_plan(plan=plan)
    return plan
