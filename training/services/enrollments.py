"""Putting trainees on a project's roster and into offline classes.

Rules enforced: one active project per person (三(二), no double claim on the fund); a project enrols at most its
service contract's scale per personnel class (三(一)), checked under a row lock on the contract; an offline class
holds at most its capacity (二(四)), checked under a row lock on the class so two enrolments racing for the last place
cannot both win; a class is for one personnel class.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import translation

from training.models import (
    Enrollment,
    EnrollmentStatus,
    OfflineClass,
    PersonnelClass,
    ServiceContract,
    Trainee,
    TrainingProject,
)
from training.rules import active_project_error, class_capacity_error, class_personnel_error, contract_scale_error
from training.services.organisations import ACTION_ROSTER, provider_require_working


def _locked_class_error(*, offline_class: OfflineClass, project, trainee, adding: int = 1) -> str | None:
    """Lock the class row, then check the rules that depend on it. Call inside transaction.atomic."""
    locked = OfflineClass.objects.select_for_update().get(pk=offline_class.pk)
    if locked.project_id != project.pk:
        return f"班级 {locked.code} 不属于项目 {project.code}"
    reason = class_personnel_error(
        class_personnel=locked.personnel_class, trainee_personnel=trainee.personnel_class, class_label=locked.code
    )
    if reason:
        return reason
    enrolled = Enrollment.objects.filter(offline_class=locked).exclude(status=EnrollmentStatus.WITHDRAWN).count()
    return class_capacity_error(capacity=locked.capacity, enrolled=enrolled, adding=adding)


def other_active_project_codes(trainee: Trainee, project: TrainingProject) -> list[str]:
    return list(
        Enrollment.objects.filter(trainee=trainee, status=EnrollmentStatus.ACTIVE)
        .exclude(project=project)
        .values_list("project__code", flat=True)
    )


def contract_of(project: TrainingProject, *, lock: bool = False) -> ServiceContract | None:
    contracts = ServiceContract.objects.filter(project=project)
    return (contracts.select_for_update() if lock else contracts).first()


def enrolled_by_personnel_class(project: TrainingProject) -> dict[int, int]:
    """People on the project's roster per personnel class, as the contract scale counts them (not withdrawn)."""
    rows = (
        Enrollment.objects.filter(project=project)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .values_list("trainee__personnel_class")
        .annotate(n=Count("pk"))
    )
    return dict(rows.values_list("trainee__personnel_class", "n"))


def contract_scale_reason(*, contract: ServiceContract, personnel_class: int, enrolled: int, adding: int = 1):
    with translation.override("zh-hans"):
        label = str(PersonnelClass(personnel_class).label)
    return contract_scale_error(
        class_label=label, planned=contract.planned(personnel_class), enrolled=enrolled, adding=adding
    )


def _contract_scale_error(*, project: TrainingProject, trainee: Trainee) -> str | None:
    """Lock the contract row, then count: two enrolments racing for the last contracted place cannot both win."""
    contract = contract_of(project, lock=True)
    if contract is None:
        return None  # no contract signed yet: no scale to keep
    enrolled = enrolled_by_personnel_class(project).get(trainee.personnel_class, 0)
    return contract_scale_reason(contract=contract, personnel_class=trainee.personnel_class, enrolled=enrolled)


@transaction.atomic
def enrollment_create(
    *, project: TrainingProject, trainee: Trainee, offline_class: OfflineClass | None = None
) -> Enrollment:
    """Put `trainee` on `project`'s roster (and into `offline_class`). Raises ValidationError with the reason.
    A suspended or removed provider adds nobody (training.rules.provider_may_work)."""
    provider_require_working(provider=project.provider, action=ACTION_ROSTER)
    reason = active_project_error(other_active_projects=other_active_project_codes(trainee, project))
    if reason is None:
        reason = _contract_scale_error(project=project, trainee=trainee)
    if reason is None and offline_class is not None:
        reason = _locked_class_error(offline_class=offline_class, project=project, trainee=trainee)
    if reason:
        raise ValidationError(reason)
    enrollment = Enrollment(project=project, trainee=trainee, offline_class=offline_class)
    enrollment.full_clean()
    enrollment.save()
    return enrollment


@transaction.atomic
def enrollment_assign_class(*, enrollment: Enrollment, offline_class: OfflineClass | None) -> Enrollment:
    """Move an enrolled trainee into an offline class (or out of it with None), under the class's capacity."""
    enrollment = Enrollment.objects.select_for_update().select_related("trainee", "project").get(pk=enrollment.pk)
    if offline_class is not None and offline_class.pk != enrollment.offline_class_id:
        reason = _locked_class_error(
            offline_class=offline_class, project=enrollment.project, trainee=enrollment.trainee
        )
        if reason:
            raise ValidationError(reason)
    enrollment.offline_class = offline_class
    enrollment.save(update_fields=["offline_class"])
    return enrollment


@transaction.atomic
def enrollment_mark_passed(*, enrollment: Enrollment, passed_on, score: int) -> Enrollment:
    """The trainee passed the closed-book exam (SPEC 三(三)): what the fund pays on, and the reduced fee of the
    next safety re-training. Called by the exams app (online pass or imported unified result)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise ValidationError("已退出项目的学员不能登记考试合格")
    enrollment.exam_passed_on = passed_on
    enrollment.exam_score = score
    enrollment.retraining_fee_reduced = True
    enrollment.save(update_fields=["exam_passed_on", "exam_score", "retraining_fee_reduced"])
    return enrollment


@transaction.atomic
def enrollment_unmark_passed(*, enrollment: Enrollment) -> Enrollment:
    """The pass behind a revoked certificate no longer counts (study or exam confirmed as proxy)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    enrollment.exam_passed_on = None
    enrollment.exam_score = None
    enrollment.retraining_fee_reduced = False
    enrollment.save(update_fields=["exam_passed_on", "exam_score", "retraining_fee_reduced"])
    return enrollment
