"""Putting trainees on a project's roster and into offline classes.

Rules enforced: one active project per person (三(二), no double claim on the fund); an offline class holds at
most its capacity (二(四)), checked under a row lock on the class so two enrolments racing for the last place
cannot both win; a class is for one personnel class.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from training.models import Enrollment, EnrollmentStatus, OfflineClass, Trainee, TrainingProject
from training.rules import active_project_error, class_capacity_error, class_personnel_error


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


@transaction.atomic
def enrollment_create(
    *, project: TrainingProject, trainee: Trainee, offline_class: OfflineClass | None = None
) -> Enrollment:
    """Put `trainee` on `project`'s roster (and into `offline_class`). Raises ValidationError with the reason."""
    reason = active_project_error(other_active_projects=other_active_project_codes(trainee, project))
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
