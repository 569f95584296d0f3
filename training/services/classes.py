"""Offline classes, their sessions and attendance (SPEC 二(三)(四), 三(三): only genuinely verified attendance counts).

Rules enforced here, for every door (pages, QR scan, admin-free services, demo, commands):
- a class's capacity comes from the rule set in force and never exceeds its cap;
- a session's hours are its scheduled length, and a class's sessions of one day stay within the rule set's daily
  maximum (`max_offline_hours_per_day`);
- no attendance before a session has started, and no time in the future;
- attendance is either produced by the trainee (a fresh QR code of the session, plus their face where they
  consented: `attendance_self_record`) or typed by provider staff with a reason per person
  (`attendance_record`, `attendance_record_class` for 全部签到), marked manual;
- a person cannot attend two overlapping sessions (under a lock on the trainee row);
- a signed-out attendance credits the time present within the session, never more than the session, the daily
  maximum, or what the plan's offline courses of that kind provide.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from training.models import (
    Attendance,
    AttendanceMethod,
    ClassSession,
    Course,
    CreditedHours,
    Enrollment,
    EnrollmentStatus,
    Modality,
    OfflineClass,
    PlanStatus,
    SessionKind,
    Trainee,
)
from training.rules import (
    SECONDS_PER_HOUR,
    OfflineCredit,
    TimeSlot,
    attendance_times_error,
    capacity_setting_error,
    hours_between,
    offline_credit,
    session_hours,
    session_started_error,
    sessions_overlap_error,
)
from training.scope import is_visible
from training.selectors.policy import class_rule_values, rule_set_in_force
from training.services.checkin import CHECK_IN, checkin_ticket_verify
from training.services.hours import hours_credit_attendance, hours_void
from training.services.organisations import ACTION_CLASS, provider_require_working


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
    """Capacity = the cap of the rule set in force for the project's region (or smaller, never larger). A suspended
    or removed provider forms no class (training.rules.provider_may_work)."""
    provider_require_working(provider=project.provider, action=ACTION_CLASS)
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
    kind: str,
    teacher=None,
    topic: str = "",
) -> ClassSession:
    """Hours = the scheduled length; the class's sessions of one day stay within the rule set's daily maximum
    (checked under a lock on the class, so two sessions added at once cannot both pass)."""
    offline_class = OfflineClass.objects.select_for_update().select_related("project__region").get(pk=offline_class.pk)
    session = ClassSession(
        offline_class=offline_class,
        date=date,
        start=start,
        end=end,
        venue=venue,
        hours=Decimal(0),
        kind=kind,
        teacher=teacher,
        topic=topic,
    )
    session.full_clean()  # ClassSession.clean derives the hours and checks the day's maximum
    session.save()
    return session


def _slot(session: ClassSession) -> TimeSlot:
    return TimeSlot(date=session.date, start=session.start, end=session.end, label=f"（{session.offline_class.code}）")


def attendance_recorder_error(user, session: ClassSession) -> str | None:
    """Attendance is typed by the provider's staff running the class (or an administrator)."""
    if user.is_superuser:
        return None
    if not user.has_perm("training.record_attendance") or not is_visible(user, session.offline_class):
        return "无权记录该班级的考勤：仅承办培训机构的工作人员可以记录"
    return None


def _checked_enrollment(session: ClassSession, enrollment: Enrollment) -> Enrollment:
    enrollment = Enrollment.objects.select_related("trainee", "project").get(pk=enrollment.pk)
    if enrollment.offline_class_id != session.offline_class_id:
        raise ValidationError(f"{enrollment.trainee.name} 不在班级 {session.offline_class.code} 中")
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError(f"{enrollment.trainee.name} 不是在训学员")
    return enrollment


def _check_no_overlap(session: ClassSession, enrollment: Enrollment) -> None:
    others = (
        ClassSession.objects.filter(attendances__enrollment__trainee_id=enrollment.trainee_id, date=session.date)
        .exclude(pk=session.pk)
        .select_related("offline_class")
    )
    reason = sessions_overlap_error(slot=_slot(session), others=[_slot(s) for s in others])
    if reason:
        raise ValidationError(f"{enrollment.trainee.name}：{reason}")


def _save(
    *, session, enrollment, signed_in_at, signed_out_at, recorded_by, in_method, out_method, reason, now
) -> Attendance:
    """The one write of attendance, for every door (QR scan, typed, whole class). Caller holds the trainee lock."""
    reason_text = session_started_error(now=now, starts_at=session.starts_at()) or attendance_times_error(
        signed_in_at=signed_in_at,
        signed_out_at=signed_out_at,
        now=now,
        starts_at=session.starts_at(),
        ends_at=session.ends_at(),
    )
    if reason_text:
        raise ValidationError(f"{enrollment.trainee.name}：{reason_text}")
    _check_no_overlap(session, enrollment)
    attendance = Attendance.objects.filter(session=session, enrollment=enrollment).first()
    changed = attendance is not None and (attendance.signed_in_at, attendance.signed_out_at) != (
        signed_in_at,
        signed_out_at,
    )
    if changed and attendance.signed_out_at:
        hours_void(source_prefix=f"attendance:{attendance.pk}", reason="考勤更正")
    attendance = attendance or Attendance(session=session, enrollment=enrollment)
    attendance.signed_in_at = signed_in_at
    attendance.signed_out_at = signed_out_at
    attendance.sign_in_method = in_method
    attendance.sign_out_method = out_method if signed_out_at else ""
    if AttendanceMethod.MANUAL in (in_method, attendance.sign_out_method):
        attendance.manual_reason = reason.strip()[:200]
    attendance.recorded_by = recorded_by
    attendance.recorded_at = now
    attendance.full_clean()
    attendance.save()
    attendance.credit = _credit(attendance) if signed_out_at else None
    return attendance


def _credit(attendance: Attendance) -> OfflineCredit:
    """Credit the time present within the session, cut to the daily maximum and to what the plan provides."""
    session, enrollment = attendance.session, attendance.enrollment
    rule_set = rule_set_in_force(enrollment.project.region, session.date)
    mine = Attendance.objects.filter(enrollment=enrollment).exclude(pk=attendance.pk)
    live = CreditedHours.objects.filter(enrollment=enrollment, voided_at__isnull=True)
    same_day = [f"attendance:{pk}" for pk in mine.filter(session__date=session.date).values_list("pk", flat=True)]
    modality = Modality.OFFLINE_PRACTICAL if session.kind == SessionKind.PRACTICAL else Modality.OFFLINE_THEORY
    # Only an approved plan counts: a draft is the provider's own word, and the provider is the payee.
    plan_hours = Course.objects.filter(
        plan__project=enrollment.project,
        plan__personnel_class=enrollment.trainee.personnel_class,
        plan__status=PlanStatus.APPROVED,
        modality=modality,
    ).aggregate(h=Sum("hours"))["h"]
    present = hours_between(
        max(attendance.signed_in_at, session.starts_at()), min(attendance.signed_out_at, session.ends_at())
    )
    credit = offline_credit(
        present=present,
        session=session_hours(start=session.start, end=session.end),
        max_per_day=rule_set.max_offline_hours_per_day,
        credited_that_day=_credited_hours(live.filter(source__in=same_day)),
        plan_hours=plan_hours or 0,
        credited_of_kind=_credited_hours(
            live.filter(kind=session.credit_kind).exclude(source=f"attendance:{attendance.pk}")
        ),
        kind_label=str(Modality(modality).label),
    )
    if credit.hours > 0:
        hours_credit_attendance(attendance=attendance, hours=credit.hours)
    return credit


def _credited_hours(rows) -> Decimal:
    """Hours of ledger rows (the ledger counts seconds; the offline rules count hours)."""
    return Decimal(rows.aggregate(s=Sum("seconds"))["s"] or 0) / SECONDS_PER_HOUR


def _lock_person(enrollment: Enrollment) -> None:
    # Two recordings for one person at once (overlap, daily maximum, plan hours) are checked one after the other.
    Trainee.objects.select_for_update().get(pk=enrollment.trainee_id)


@transaction.atomic
def attendance_record(
    *,
    session: ClassSession,
    enrollment: Enrollment,
    signed_in_at: datetime.datetime,
    signed_out_at: datetime.datetime | None = None,
    recorded_by,
    reason: str = "",
) -> Attendance:
    """Provider staff type (or correct) one trainee's sign-in/sign-out: a manual entry, so a reason is required
    for that person ("手机没电"), and every report marks it. Signed out = the time present is credited."""
    refused = attendance_recorder_error(recorded_by, session)
    if refused:
        raise ValidationError(refused)
    enrollment = _checked_enrollment(session, enrollment)
    if not (reason or "").strip():
        raise ValidationError(f"{enrollment.trainee.name}：手工录入考勤须填写原因（如：手机没电）")
    _lock_person(enrollment)
    old = Attendance.objects.filter(session=session, enrollment=enrollment).first()
    # A time the trainee produced by QR and left as it was stays theirs; what staff typed is manual.
    kept_in = old is not None and old.signed_in_at == signed_in_at
    kept_out = old is not None and old.signed_out_at is not None and old.signed_out_at == signed_out_at
    return _save(
        session=session,
        enrollment=enrollment,
        signed_in_at=signed_in_at,
        signed_out_at=signed_out_at,
        recorded_by=recorded_by,
        in_method=old.sign_in_method if kept_in else AttendanceMethod.MANUAL,
        out_method=old.sign_out_method if kept_out else AttendanceMethod.MANUAL,
        reason=reason,
        now=timezone.now(),
    )


@transaction.atomic
def attendance_record_class(
    *,
    session: ClassSession,
    absent: Iterable[int] = (),
    signed_in_at: datetime.datetime,
    signed_out_at: datetime.datetime | None = None,
    recorded_by,
    reason: str,
) -> tuple[list[Attendance], list[str]]:
    """全部签到: every active trainee of the class not yet signed in, except the `absent` enrollment ids, signed in
    (and out) by staff with one reason for the batch, recorded per person and marked manual. A person the rules
    refuse (overlap...) is reported and the others are recorded. Returns (recorded, errors)."""
    refused = attendance_recorder_error(recorded_by, session)
    if refused:
        raise ValidationError(refused)
    if not (reason or "").strip():
        raise ValidationError("全部签到属于手工录入，须填写原因（如：签到设备故障）")
    already = Attendance.objects.filter(session=session).values_list("enrollment_id", flat=True)
    enrollments = (
        session.offline_class.enrollments.filter(status=EnrollmentStatus.ACTIVE)
        .exclude(pk__in=[*absent, *already])
        .order_by("trainee__name")
    )
    recorded, errors = [], []
    for enrollment in enrollments:
        try:
            with transaction.atomic():
                recorded.append(
                    attendance_record(
                        session=session,
                        enrollment=enrollment,
                        signed_in_at=signed_in_at,
                        signed_out_at=signed_out_at,
                        recorded_by=recorded_by,
                        reason=reason,
                    )
                )
        except ValidationError as exc:
            errors += exc.messages
    return recorded, errors


@transaction.atomic
def attendance_self_record(*, session: ClassSession, user, ticket: str, face_checked: bool) -> Attendance:
    """The trainee signs in or out themselves: `ticket` proves they scanned a fresh QR code of this session
    (training.services.checkin); the caller (proctoring) checked their face where they consented. The time is
    now; signing in twice keeps the first time."""
    action = checkin_ticket_verify(session_id=session.pk, ticket=ticket, user_id=user.pk)
    enrollment = Enrollment.objects.filter(
        offline_class=session.offline_class, trainee_id=user.trainee_id, status=EnrollmentStatus.ACTIVE
    ).first()
    if enrollment is None:
        raise ValidationError(f"您不在班级 {session.offline_class.code} 的学员名单中，不能签到")
    enrollment = _checked_enrollment(session, enrollment)
    _lock_person(enrollment)
    method = AttendanceMethod.QR_FACE if face_checked else AttendanceMethod.QR
    attendance = Attendance.objects.filter(session=session, enrollment=enrollment).first()
    now = timezone.now()
    if action == CHECK_IN:
        if attendance is not None:
            return attendance
        return _save(
            session=session,
            enrollment=enrollment,
            signed_in_at=now,
            signed_out_at=None,
            recorded_by=user,
            in_method=method,
            out_method="",
            reason="",
            now=now,
        )
    if attendance is None:
        raise ValidationError("您尚未签到，不能签退；请先扫描签到二维码")
    return _save(
        session=session,
        enrollment=enrollment,
        signed_in_at=attendance.signed_in_at,
        signed_out_at=now,
        recorded_by=user,
        in_method=attendance.sign_in_method,
        out_method=method,
        reason=attendance.manual_reason,
        now=now,
    )
