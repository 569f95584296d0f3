"""Writes of the credited-hours ledger (append-only: rows are added or voided, never edited or deleted).

Credits are integer seconds; hours are a page's business (training/templatetags/training_hours.py).

Sources name where a credit came from: "attendance:<attendance id>" for offline sessions, whatever the caller
gives for online study (proctoring uses "study:<session>:<check>"). One live row per (enrollment, source):
crediting the same source twice returns the existing row, so a retried task never counts twice.
"""

from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from training.lesson_rules import lesson_enrollment_error
from training.models import Course, CreditedHours, CreditKind, Enrollment, EnrollmentStatus, Modality, PersonnelClass
from training.rules import seconds_from_hours
from training.services.completion import completion_refresh


def _credit(*, enrollment: Enrollment, course: Course | None, kind: str, seconds: int, source: str) -> CreditedHours:
    existing = CreditedHours.objects.filter(enrollment=enrollment, source=source, voided_at__isnull=True).first()
    if existing is not None:
        return existing
    row = CreditedHours(enrollment=enrollment, course=course, kind=kind, seconds=seconds, source=source)
    row.full_clean()
    row.save()
    completion_refresh(enrollment_ids=[enrollment.pk])
    return row


def _whole_seconds(*, seconds, minutes) -> int:
    if (seconds is None) == (minutes is None):
        raise TypeError("hours_credit_online: give exactly one of seconds= or minutes=")
    if seconds is None:
        # Minutes from older callers (the demo): whole seconds, never more than was given.
        seconds = (Decimal(str(minutes)) * 60).to_integral_value(rounding=ROUND_DOWN)
    if int(seconds) != seconds:
        raise ValidationError(f"学时：{seconds} 秒不是整数秒")
    return int(seconds)


def course_enrollment_error(*, enrollment: Enrollment, course: Course) -> str | None:
    """Why this enrolment may not study, or be credited for, this course (training.lesson_rules), or None."""
    plan = course.plan
    return lesson_enrollment_error(
        enrollment_active=enrollment.status == EnrollmentStatus.ACTIVE,
        enrollment_project_id=enrollment.project_id,
        trainee_class=enrollment.trainee.personnel_class,
        lesson_project_id=plan.project_id,
        lesson_class=plan.personnel_class,
        class_label=lambda value: str(PersonnelClass(value).label),
    )


@transaction.atomic
def hours_credit_online(
    *, enrollment: Enrollment, course: Course, source: str, seconds: int | None = None, minutes=None
) -> CreditedHours:
    """Credit verified online study of `course` in whole seconds (`minutes=` is still accepted). Only verified
    time may be credited (三(三)): the caller (proctoring) decides what was verified; this checks the course is an
    online course of the plan of the trainee's own class in their active enrolment."""
    seconds = _whole_seconds(seconds=seconds, minutes=minutes)
    if seconds <= 0:
        raise ValidationError(f"学时：{seconds} 秒，无可记入的时长")
    if course.modality != Modality.ONLINE:
        raise ValidationError(f"课程《{course.title}》不是线上课程，不能记入线上学时")
    error = course_enrollment_error(enrollment=enrollment, course=course)
    if error:
        raise ValidationError(f"课程《{course.title}》：{error}")
    return _credit(enrollment=enrollment, course=course, kind=CreditKind.ONLINE, seconds=seconds, source=source)


def hours_credit_attendance(*, attendance, hours: Decimal) -> CreditedHours:
    """Credit an attended offline session (call inside the attendance service's transaction, which decides the
    hours: the time present within the session, within the daily maximum and the plan)."""
    session = attendance.session
    return _credit(
        enrollment=attendance.enrollment,
        course=None,
        kind=session.credit_kind,
        seconds=seconds_from_hours(hours),
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
    live = CreditedHours.objects.filter(_sources(source_prefix), voided_at__isnull=True)
    enrollment_ids = set(live.values_list("enrollment_id", flat=True))
    count = live.update(voided_at=timezone.now(), void_reason=reason.strip()[:200])
    completion_refresh(enrollment_ids=enrollment_ids)
    return count


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
        _credit(enrollment=row.enrollment, course=row.course, kind=row.kind, seconds=row.seconds, source=row.source)
        restored += 1
    return restored
