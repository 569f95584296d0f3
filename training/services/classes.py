"""Offline classes, their sessions and attendance (SPEC 二(三)(四), 三(三)).

Rules enforced: a class's capacity comes from the rule set in force and never exceeds its cap; attendance is
recorded (by whom, when) only for a trainee of that class; a person cannot attend two overlapping sessions
(checked under a lock on the trainee row so two recordings at once cannot both pass); signed-out attendance
credits the session's hours to the ledger.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from training.models import Attendance, ClassSession, Enrollment, EnrollmentStatus, OfflineClass, Trainee
from training.rules import TimeSlot, capacity_setting_error, sessions_overlap_error
from training.scope import is_visible
from training.selectors.policy import class_rule_values, rule_set_in_force
from training.services.hours import hours_credit_attendance, hours_void


@transaction.atomic
def offline_class_create(
    *,
    project,
    personnel_class: int,
    code: str,
    name: str = "",
    capacity: int | None = None,
    on_date: datetime.date | None = None,
) -> OfflineClass:
    """Capacity = the cap of the rule set in force for the project's region (or smaller, never larger)."""
    rule = class_rule_values(rule_set_in_force(project.region, on_date), personnel_class)
    capacity = rule.class_capacity if capacity is None else capacity
    reason = capacity_setting_error(capacity=capacity, max_capacity=rule.class_capacity)
    if reason:
        raise ValidationError({"capacity": reason})
    offline_class = OfflineClass(
        project=project, personnel_class=personnel_class, code=code.strip(), name=name, capacity=capacity
    )
    offline_class.full_clean()
    offline_class.save()
    return offline_class


@transaction.atomic
def class_session_create(
    *,
    offline_class: OfflineClass,
    date: datetime.date,
    start: datetime.time,
    end: datetime.time,
    venue: str,
    hours,
    kind: str,
    teacher=None,
    topic: str = "",
) -> ClassSession:
    session = ClassSession(
        offline_class=offline_class,
        date=date,
        start=start,
        end=end,
        venue=venue,
        hours=Decimal(str(hours)),
        kind=kind,
        teacher=teacher,
        topic=topic,
    )
    session.full_clean()
    session.save()
    return session


def _slot(session: ClassSession) -> TimeSlot:
    return TimeSlot(date=session.date, start=session.start, end=session.end, label=f"（{session.offline_class.code}）")


def attendance_recorder_error(user, session: ClassSession) -> str | None:
    """Attendance is recorded by the provider's staff running the class (or an administrator)."""
    if user.is_superuser:
        return None
    if not user.has_perm("training.record_attendance") or not is_visible(user, session.offline_class):
        return "无权记录该班级的考勤：仅承办培训机构的工作人员可以记录"
    return None


@transaction.atomic
def attendance_record(
    *,
    session: ClassSession,
    enrollment: Enrollment,
    signed_in_at: datetime.datetime,
    signed_out_at: datetime.datetime | None = None,
    recorded_by,
) -> Attendance:
    """Record (or correct) one trainee's sign-in/sign-out for a session. Signed out = hours credited."""
    reason = attendance_recorder_error(recorded_by, session)
    if reason:
        raise ValidationError(reason)
    enrollment = Enrollment.objects.select_related("trainee").get(pk=enrollment.pk)
    if enrollment.offline_class_id != session.offline_class_id:
        raise ValidationError(f"{enrollment.trainee.name} 不在班级 {session.offline_class.code} 中")
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError(f"{enrollment.trainee.name} 不是在训学员")
    # Lock the person: two sessions recorded for them at once are checked one after the other.
    Trainee.objects.select_for_update().get(pk=enrollment.trainee_id)
    others = (
        ClassSession.objects.filter(attendances__enrollment__trainee_id=enrollment.trainee_id, date=session.date)
        .exclude(pk=session.pk)
        .select_related("offline_class")
    )
    reason = sessions_overlap_error(slot=_slot(session), others=[_slot(s) for s in others])
    if reason:
        raise ValidationError(f"{enrollment.trainee.name}：{reason}")
    attendance = Attendance.objects.filter(session=session, enrollment=enrollment).first()
    if attendance is not None and attendance.signed_out_at and attendance.signed_out_at != signed_out_at:
        hours_void(source_prefix=f"attendance:{attendance.pk}", reason="考勤更正")
    attendance = attendance or Attendance(session=session, enrollment=enrollment)
    attendance.signed_in_at = signed_in_at
    attendance.signed_out_at = signed_out_at
    attendance.recorded_by = recorded_by
    attendance.recorded_at = timezone.now()
    attendance.full_clean()
    attendance.save()
    if attendance.signed_out_at:
        hours_credit_attendance(attendance=attendance)
    return attendance
