"""Flags raised from study snapshots, their review by EM / HR / auditors, and the trainee's one appeal.

SPEC 三(三): every failed check and every face that matches *another* trainee's template becomes a flag with its
evidence; reviewers in scope confirm or dismiss it with a reason; the trainee may appeal once, and the appeal is
decided by a reviewer other than the one who reviewed the flag (separation of duties); a confirmed proxy voids the
credited time of its study session (training.services.hours.hours_void) and counts against the provider.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from proctoring.models import AppealStatus, Flag, FlagKind, FlagStatus, Snapshot
from proctoring.rules import appeal_error
from training.scope import is_visible


def flag_raise_failed_check(*, snapshot: Snapshot) -> Flag:
    session = snapshot.session
    flag = Flag.objects.create(
        kind=FlagKind.FAILED_CHECK, verdict=snapshot.verdict, session=session, enrollment_id=session.enrollment_id
    )
    flag.snapshots.add(snapshot)
    return flag


def flag_raise_proxy(*, snapshot: Snapshot, matched_trainee_id: int, distance: float) -> Flag:
    """One face under several accounts. One open proxy flag per session and matched person: evidence accumulates."""
    session = snapshot.session
    flag = Flag.objects.filter(
        kind=FlagKind.PROXY, session=session, matched_trainee_id=matched_trainee_id, status=FlagStatus.OPEN
    ).first()
    if flag is None:
        flag = Flag.objects.create(
            kind=FlagKind.PROXY,
            verdict=snapshot.verdict,
            session=session,
            enrollment_id=session.enrollment_id,
            matched_trainee_id=matched_trainee_id,
            matched_distance=distance,
        )
    flag.snapshots.add(snapshot)
    return flag


def flag_raise_proxy_at_enrolment(*, enrollment, event, matched_trainee_id: int, distance: float) -> Flag:
    """A new template matching another trainee's template in the same project or provider: a proxy flag before any
    study (no session; the evidence is the template event and the enrolment photos)."""
    return Flag.objects.create(
        kind=FlagKind.PROXY,
        enrollment=enrollment,
        template_event=event,
        matched_trainee_id=matched_trainee_id,
        matched_distance=distance,
    )


def flag_raise_exam(*, enrollment_id: int, exam_ref: str, note: str, verdict: str = "") -> Flag:
    """An exam attempt submitted for too many failed face checks or focus losses: reviewed like any other flag."""
    return Flag.objects.create(
        kind=FlagKind.EXAM, verdict=verdict, enrollment_id=enrollment_id, exam_ref=exam_ref, note=note
    )


def flag_raise_revisit(*, enrollment_id: int, revisit_ref: str, note: str) -> Flag:
    """A revisit (培训回访, recorded by a third-party auditor in oversight) found that the person did not really
    attend or study: reviewed like any other flag. `revisit_ref` names the record ("revisit:12"), `note` says what
    was found and the credited hours at stake; one open flag per revisit record, so a retry adds none."""
    flag, _created = Flag.objects.get_or_create(
        kind=FlagKind.REVISIT,
        enrollment_id=enrollment_id,
        exam_ref=revisit_ref,
        status=FlagStatus.OPEN,
        defaults={"note": note},
    )
    return flag


# Called with the flag when a reviewer confirms proxy study or a proctoring incident of an exam; higher apps (the
# exam's certificates) register here from their AppConfig.ready(), since proctoring never imports them.
CONFIRMED_HOOKS: list = []
# Called with the flag when a reviewer dismisses it (or an appeal against its confirmation is upheld): an exam
# pass held back by the flag takes effect (registered by exams' AppConfig.ready(), like CONFIRMED_HOOKS).
DISMISSED_HOOKS: list = []


def can_review(user) -> bool:
    return user.has_perm("proctoring.review_flag")


def _reviewable(user, flag: Flag) -> None:
    if not can_review(user) or not is_visible(user, flag):
        raise PermissionDenied("审核：无权审核该记录")


def _void_reason(flag: Flag) -> str:
    return f"确认代学（异常记录 #{flag.pk}）"


@transaction.atomic
def flag_review(*, flag: Flag, reviewer, confirm: bool, reason: str) -> Flag:
    """Confirm or dismiss an open flag, with a reason. Confirming a proxy voids the session's credited hours."""
    from training.services.hours import hours_void

    _reviewable(reviewer, flag)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != FlagStatus.OPEN:
        raise ValidationError("审核：该记录已审核")
    if not reason.strip():
        raise ValidationError({"review_reason": "审核理由：必须填写"})
    flag.status = FlagStatus.CONFIRMED if confirm else FlagStatus.DISMISSED
    flag.reviewer = reviewer
    flag.reviewed_at = timezone.now()
    flag.review_reason = reason.strip()
    if confirm and flag.kind == FlagKind.PROXY and flag.session_id:  # a flag at enrolment has no hours to void
        flag.voided_rows = hours_void(source_prefix=flag.session.credit_source_prefix, reason=_void_reason(flag))
    flag.save()
    if confirm and flag.kind in (FlagKind.PROXY, FlagKind.EXAM):
        for hook in CONFIRMED_HOOKS:
            hook(flag)
    if not confirm:
        for hook in DISMISSED_HOOKS:
            hook(flag)
    return flag


@transaction.atomic
def flag_appeal(*, flag: Flag, user, text: str) -> Flag:
    """The trainee appeals a reviewed flag, once, within FLAG_APPEAL_DAYS."""
    flag = Flag.objects.select_for_update().select_related("enrollment").get(pk=flag.pk)
    if user.trainee_id is None or user.trainee_id != flag.enrollment.trainee_id:
        raise PermissionDenied("申诉：只能申诉本人的记录")
    error = appeal_error(
        status=flag.status,
        appeal_status=flag.appeal_status,
        reviewed_at=flag.reviewed_at,
        now=timezone.now(),
        appeal_days=settings.FLAG_APPEAL_DAYS,
    )
    if error:
        raise ValidationError(error)
    if not text.strip():
        raise ValidationError({"appeal_text": "申诉理由：必须填写"})
    flag.appeal_text = text.strip()
    flag.appeal_status = AppealStatus.PENDING
    flag.appealed_at = timezone.now()
    flag.save()
    return flag


@transaction.atomic
def flag_appeal_decide(*, flag: Flag, user, upheld: bool, reason: str) -> Flag:
    """Decide a pending appeal, by someone other than the first reviewer (separation of duties). An upheld appeal
    dismisses the flag and credits again the hours its confirmation voided (as new ledger rows; the voided ones
    stay as the record)."""
    from training.services.hours import hours_restore

    _reviewable(user, flag)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.appeal_status != AppealStatus.PENDING:
        raise ValidationError("申诉：没有待处理的申诉")
    if flag.reviewer_id == user.pk:
        raise ValidationError("申诉：须由首次审核人以外的人员处理，首次审核人不能处理针对本人审核的申诉")
    if not reason.strip():
        raise ValidationError({"appeal_reason": "处理理由：必须填写"})
    flag.appeal_status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    flag.appeal_decided_by = user
    flag.appeal_decided_at = timezone.now()
    flag.appeal_reason = reason.strip()
    if upheld:
        flag.status = FlagStatus.DISMISSED
        if flag.kind == FlagKind.PROXY and flag.voided_rows and flag.session_id:
            hours_restore(source_prefix=flag.session.credit_source_prefix, void_reason=_void_reason(flag))
    flag.save()
    if upheld:  # the flag ends dismissed: what a dismissal releases is released now
        for hook in DISMISSED_HOOKS:
            hook(flag)
    return flag
