"""A project's roster as its provider works it: each person's class, hours and completion, filtered.

The same read serves the page (paged) and the xlsx export (every filtered row), so what is exported is what was
on screen. Hours and completion come from training/selectors/completion.py `progress_for_enrollments`.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training.models import Enrollment, EnrollmentStatus, OfflineClass, PersonnelClass, TrainingProject
from training.scope import visible
from training.selectors.completion import progress_for_enrollments

NO_CLASS = "none"


def roster_status_q(status: str, prefix: str = "") -> Q:
    """在训 / 已结业 / 已退出 as pages count them: 已结业 is training complete (the stored trained_on, written by
    the hours services under the completion rule), 在训 the rest of those not withdrawn. `prefix` reaches the
    enrolment through a relation ("enrollments__")."""
    withdrawn = Q(**{f"{prefix}status": EnrollmentStatus.WITHDRAWN})
    if status == EnrollmentStatus.COMPLETED:
        return Q(**{f"{prefix}trained_on__isnull": False}) & ~withdrawn
    if status == EnrollmentStatus.ACTIVE:
        return Q(**{f"{prefix}trained_on__isnull": True}) & ~withdrawn
    return Q(**{f"{prefix}status": status})


def roster_enrollments(
    user, project: TrainingProject, *, status: str = "", offline_class: str = "", personnel_class=None, q: str = ""
):
    """The project's enrollments the user may see; `offline_class` is a class id or "none" (people in no class)."""
    rows = visible(user, Enrollment.objects.filter(project=project)).select_related(
        "trainee__enterprise", "offline_class", "project__region"
    )
    if status:
        rows = rows.filter(roster_status_q(status))
    if offline_class == NO_CLASS:
        rows = rows.filter(offline_class__isnull=True)
    elif offline_class.isdigit():
        rows = rows.filter(offline_class_id=int(offline_class))
    if personnel_class:
        rows = rows.filter(trainee__personnel_class=personnel_class)
    if q:
        rows = rows.filter(Q(trainee__name__contains=q) | Q(trainee__id_number=q.upper()))
    return rows.order_by("trainee__personnel_class", "trainee__name", "pk")


def with_progress(enrollments) -> list[tuple]:
    """(enrollment, progress) pairs with a fixed number of queries."""
    enrollments = list(enrollments)
    return list(zip(enrollments, progress_for_enrollments(enrollments), strict=True))


def class_choices(user, project: TrainingProject):
    return visible(user, OfflineClass.objects.filter(project=project)).order_by("personnel_class", "code")


EXPORT_HEADERS = [
    gettext_lazy("姓名"),
    gettext_lazy("身份证号"),
    gettext_lazy("人员类别"),
    gettext_lazy("所在企业"),
    gettext_lazy("状态"),
    gettext_lazy("线下班级"),
    gettext_lazy("总学时"),
    gettext_lazy("线下学时"),
    gettext_lazy("线上学时"),
    gettext_lazy("必学专题片"),
    gettext_lazy("是否达到结业要求"),
    gettext_lazy("尚缺"),
]


def export_rows(pairs) -> list[list]:
    """The rows of the roster export (masked ID numbers: an export leaves the system)."""
    return [
        [
            e.trainee.name,
            e.trainee.masked_id_number,
            PersonnelClass(e.trainee.personnel_class).label,
            e.trainee.enterprise.name,
            e.get_status_display(),
            e.offline_class.code if e.offline_class else "",
            float(p.total),
            float(p.offline),
            float(p.online),
            _("已观看") if p.documentary_watched else _("未观看"),
            _("是") if p.complete else _("否"),
            "；".join(p.reasons),
        ]
        for e, p in pairs
    ]
