"""Writes of the credited-hours ledger (append-only: rows are added or voided, never edited or deleted).

Sources name where a credit came from: "attendance:<attendance id>" for offline sessions, whatever the caller
gives for online study (proctoring uses "study:<session>:<check>"). One live row per (enrollment, source):
crediting the same source twice returns the existing row, so a retried task never counts twice.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from training.models import Course, CreditedHours, CreditKind, Enrollment, Modality

SIXTY = Decimal(60)


def _credit(*, enrollment: Enrollment, course: Course | None, kind: str, hours: Decimal, source: str) -> CreditedHours:
    existing = CreditedHours.objects.filter(enrollment=enrollment, source=source, voided_at__isnull=True).first()
    if existing is not None:
        return existing
    row = CreditedHours(enrollment=enrollment, course=course, kind=kind, hours=hours, source=source)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def hours_credit_online(*, enrollment: Enrollment, course: Course, minutes, source: str) -> CreditedHours:
    """Credit verified online study of `course` (minutes → hours, to the nearest 0.01 h). Only verified time may be
    credited (三(三)): the caller (proctoring) decides what was verified; this checks the course is an online
    course of the enrollment's project."""
    hours = (Decimal(str(minutes)) / SIXTY).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if hours <= 0:
        raise ValidationError(f"学时：{minutes} 分钟不足 0.01 学时，无法记入")
    if course.modality != Modality.ONLINE:
        raise ValidationError(f"课程《{course.title}》不是线上课程，不能记入线上学时")
    if course.plan.project_id != enrollment.project_id:
        raise ValidationError(f"课程《{course.title}》不属于该学员的培训项目")
    return _credit(enrollment=enrollment, course=course, kind=CreditKind.ONLINE, hours=hours, source=source)


def hours_credit_attendance(*, attendance, hours: Decimal) -> CreditedHours:
    """Credit an attended offline session (call inside the attendance service's transaction, which decides the
    hours: the time present within the session, within the daily maximum and the plan)."""
    session = attendance.session
    return _credit(
        enrollment=attendance.enrollment,
        course=None,
        kind=session.credit_kind,
        hours=hours,
        source=f"attendance:{attendance.pk}",
    )


def _sources(source_prefix: str) -> Q:
    """ "study:12" matches "study:12" and "study:12:…" but not "study:123"; a prefix ending in ":" matches
    everything under it."""
    if source_prefix.endswith(":"):
        return Q(source__startswith=source_prefix)
    return Q(source=source_prefix) | Q(source__startswith=f"{source_prefix}:")


@transaction.atomic
def hours_void(*, source_prefix: str, reason: str) -> int:
    """Mark live credits from `source_prefix` voided; returns how many."""
    if not reason.strip():
        raise ValidationError("作废原因：必须填写")
    return CreditedHours.objects.filter(_sources(source_prefix), voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=reason.strip()[:200]
    )


@transaction.atomic
def hours_restore(*, source_prefix: str, void_reason: str) -> int:
    """Undo a void that was wrong (an upheld appeal): the credits voided from `source_prefix` for `void_reason`
    are credited again as new rows (the ledger stays append-only: the voided rows remain as the record).
    A source that has a live row again is left alone. Returns how many rows were restored."""
    voided = CreditedHours.objects.filter(
        _sources(source_prefix), voided_at__isnull=False, void_reason=void_reason.strip()[:200]
    )
    restored = 0
    for row in voided.order_by("pk"):
        if CreditedHours.objects.filter(enrollment=row.enrollment, source=row.source, voided_at__isnull=True).exists():
            continue
        _credit(enrollment=row.enrollment, course=row.course, kind=row.kind, hours=row.hours, source=row.source)
        restored += 1
    return restored
