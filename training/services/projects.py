"""Projects, service contracts and expert reviews (SPEC 三(一)).

Who may take each workflow step: the applicant (the provider's staff or the park's officer) or HR/EM submit;
HR/EM of the project's region do every other step; experts review only projects assigned to them, while the
project is under expert review. Every change is recorded with who and when (ProjectStatusChange).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from training.models import ExpertReview, ProjectStatus, ProjectStatusChange, ServiceContract, TrainingProject
from training.rules import project_transition_error, review_score_error
from training.scope import is_visible


def project_actor_error(user, project: TrainingProject, to_status: str) -> str | None:
    """Whether `user` may move `project` to `to_status` (rows outside the user's scope are never allowed)."""
    if not is_visible(user, project):
        return "无权操作该项目"
    applicant_step = to_status in {ProjectStatus.SUBMITTED, ProjectStatus.DRAFT}
    if not (user.has_perm("training.decide_project") or (applicant_step and user.has_perm("training.apply_project"))):
        return f"“{ProjectStatus(to_status).label}”须由项目所在地人社或应急管理部门操作"
    return None


def project_precondition_error(project: TrainingProject, to_status: str) -> str | None:
    if to_status == ProjectStatus.EXPERT_REVIEW and not project.experts.exists():
        return "进入专家评审前须指定评审专家"
    if to_status in {ProjectStatus.SELECTED, ProjectStatus.REJECTED} and not project.reviews.exists():
        return "尚无专家评审意见，不能确定是否入选"
    if to_status == ProjectStatus.CONTRACTED and not ServiceContract.objects.filter(project=project).exists():
        return "尚未录入服务合同"
    return None


def allowed_transitions(user, project: TrainingProject) -> list[str]:
    """The steps `user` may take now (for the workflow buttons)."""
    from training.rules import PROJECT_TRANSITIONS

    return [
        s
        for s in ProjectStatus.values
        if s in PROJECT_TRANSITIONS.get(project.status, ()) and project_actor_error(user, project, s) is None
    ]


@transaction.atomic
def project_create(
    *, code: str, name: str, region, year: int, provider=None, park=None, created_by=None
) -> TrainingProject:
    project = TrainingProject(
        code=code.strip(), name=name.strip(), region=region, year=year, provider=provider, park=park
    )
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_transition(*, project: TrainingProject, to_status: str, by, note: str = "") -> TrainingProject:
    """Move the project one step along the workflow, recording who and when."""
    project = TrainingProject.objects.select_for_update().get(pk=project.pk)
    reason = (
        project_transition_error(from_status=project.status, to_status=to_status, labels=dict(ProjectStatus.choices))
        or project_actor_error(by, project, to_status)
        or project_precondition_error(project, to_status)
    )
    if reason:
        raise ValidationError(reason)
    ProjectStatusChange.objects.create(
        project=project, from_status=project.status, to_status=to_status, changed_by=by, note=note[:200]
    )
    project.status = to_status
    project.save(update_fields=["status"])
    return project


@transaction.atomic
def contract_save(*, project: TrainingProject, by, **fields) -> ServiceContract:
    """Create or amend the project's service contract (HR/EM of the region; not after acceptance or rejection)."""
    if not (by.has_perm("training.manage_contract") and is_visible(by, project)):
        raise ValidationError("服务合同须由项目所在地人社或应急管理部门录入")
    if project.status in {ProjectStatus.ACCEPTED, ProjectStatus.REJECTED}:
        raise ValidationError(f"项目{project.get_status_display()}，不能修改服务合同")
    contract = ServiceContract.objects.filter(project=project).first() or ServiceContract(project=project)
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def expert_review_submit(*, project: TrainingProject, expert, score: int, comment: str = "") -> ExpertReview:
    """An assigned expert scores a project under expert review (once; a second submission replaces the first)."""
    project = TrainingProject.objects.select_for_update().get(pk=project.pk)
    if not project.experts.filter(pk=expert.pk).exists():
        raise ValidationError("该专家未被指定评审此项目")
    if project.status != ProjectStatus.EXPERT_REVIEW:
        raise ValidationError(f"项目{project.get_status_display()}，不在专家评审阶段")
    reason = review_score_error(score=score)
    if reason:
        raise ValidationError({"score": reason})
    review = ExpertReview.objects.filter(project=project, expert=expert).first() or ExpertReview(
        project=project, expert=expert
    )
    review.score, review.comment = score, comment.strip()
    review.full_clean()
    review.save()
    return review
