"""Exam rules data, sittings and check-in at an exam site."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from exams.models import CheckIn, EventKind, ExamRuleSet, Sitting, SittingMode
from training.models import Enrollment

NATIONAL_DEFAULT_FROM = datetime.date(2013, 8, 29)  # 安监总培训〔2013〕104号


def ensure_exam_national_default() -> ExamRuleSet:
    existing = ExamRuleSet.objects.filter(region__isnull=True, effective_from=NATIONAL_DEFAULT_FROM).first()
    if existing:
        return existing
    return exam_rule_set_create(
        region=None, effective_from=NATIONAL_DEFAULT_FROM, name="全国默认（安监总培训〔2013〕104号）"
    )


@transaction.atomic
def exam_rule_set_create(*, region, effective_from: datetime.date, name: str, **numbers) -> ExamRuleSet:
    """A region's (or the nation's) exam rules from a date; attempts already started keep theirs."""
    rule_set = ExamRuleSet(region=region, effective_from=effective_from, name=name, **numbers)
    rule_set.full_clean()
    rule_set.save()
    return rule_set


@transaction.atomic
def sitting_create(
    *,
    project,
    name: str,
    mode: str,
    opens_at,
    closes_at,
    site: str = "",
    room: str = "",
    seats: int | None = None,
    staff=(),
) -> Sitting:
    sitting = Sitting(
        project=project,
        name=name,
        mode=mode,
        opens_at=opens_at,
        closes_at=closes_at,
        site=site,
        room=room,
        seats=seats,
    )
    sitting.full_clean()
    sitting.save()
    if staff:
        sitting.staff.set(staff)
    return sitting


@transaction.atomic
def sitting_update(
    *,
    sitting: Sitting,
    name: str,
    opens_at,
    closes_at,
    site: str = "",
    room: str = "",
    seats: int | None = None,
    staff=None,
) -> Sitting:
    """Change a sitting's window, place and staff. Its project and mode never change (attempts and check-ins
    hang on them); a window that would close before an attempt already started ends is refused, and seats
    cannot drop below the candidates already checked in."""
    sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
    latest = sitting.attempts.order_by("-deadline").values_list("deadline", flat=True).first()
    if latest is not None and closes_at < latest:
        raise ValidationError(
            {"closes_at": f"已有考生在考，结束时间不能早于 {timezone.localtime(latest):%Y-%m-%d %H:%M}"}
        )
    checked_in = sitting.check_ins.count()
    if seats is not None and seats < checked_in:
        raise ValidationError({"seats": f"已有{checked_in}名考生签到，座位数不能少于此数"})
    sitting.name, sitting.opens_at, sitting.closes_at = name, opens_at, closes_at
    sitting.site, sitting.room, sitting.seats = site, room, seats
    sitting.full_clean()
    sitting.save()
    if staff is not None:
        sitting.staff.set(staff)
    return sitting


@transaction.atomic
def check_in(
    *, sitting: Sitting, id_number: str, staff_user, by_face: bool = False, seat: str = "", image_bytes=None
) -> CheckIn:
    """Exam-site staff check a candidate in by ID number (face only where the candidate consented). With
    `image_bytes` (the frame of the staff device's camera) the face is checked against the candidate's template
    through proctoring's one check path first; a face that is not the candidate's checks nobody in."""
    from exams.services.proctor import ExamRefused, face_verify
    from proctoring.services.consent import has_biometric_consent

    by_face = by_face or image_bytes is not None

    if sitting.mode != SittingMode.SITE:
        raise ValidationError("线上考试无需考点签到")
    if not (staff_user.is_superuser or sitting.staff.filter(pk=staff_user.pk).exists()):
        raise ValidationError("您不是本考场的考务人员")
    sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
    enrollment = (
        Enrollment.objects.filter(project=sitting.project, trainee__id_number=id_number.strip().upper())
        .select_related("trainee")
        .first()
    )
    if enrollment is None:
        raise ValidationError("该身份证号不在本项目花名册上")
    if by_face and not has_biometric_consent(enrollment.trainee):
        raise ValidationError("该考生未同意人脸识别，请核验身份证")
    if image_bytes is not None:
        try:
            passed, detail = face_verify(trainee=enrollment.trainee, image_bytes=image_bytes)
        except ExamRefused as refused:
            raise ValidationError(f"无法进行人脸核验（{refused}），请核验身份证") from refused
        if not passed:
            raise ValidationError(f"人脸核验未通过（{detail['verdict']}）：与该考生的人脸模板不符，请核验身份证件")
    existing = CheckIn.objects.filter(sitting=sitting, enrollment=enrollment).first()
    if existing:
        return existing
    if sitting.seats and sitting.check_ins.count() >= sitting.seats:
        raise ValidationError(f"考场座位已满（{sitting.seats}座）")
    return CheckIn.objects.create(
        sitting=sitting, enrollment=enrollment, checked_by=staff_user, by_face=by_face, seat=seat
    )


CHECK_IN_EVENT = EventKind.CHECK_IN
