"""Writes of live study sessions and their snapshots (SPEC 三(三)).

The timing rules are in proctoring/rules.py; the consumer keeps the clock of an open page and calls these services
for every change that must be recorded. What counts is decided here, from the stored checks:
- a trainee studies only lessons of the plan of their own class in their active enrolment (training's rule,
  training.services.lessons.lesson_enrollment_check), checked when a session starts and again at every credit;
- only the server asks for checks, one at a time (`snapshot_request`);
- a passed check credits its stretch (`study_credit`, called by the verification task), and nothing else does.
Verified seconds go to training's ledger (training.services.lessons.lesson_study_credit, whole seconds), with the
source "study:<session id>:<check number>".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring import rules
from proctoring.crypto import encrypt_bytes
from proctoring.models import SessionStatus, Snapshot, SnapshotVerdict, StudySession
from training.models import Enrollment, EnrollmentStatus, Lesson, Trainee

MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024
JPEG_MAGIC = b"\xff\xd8\xff"


def study_enrollment_for(*, trainee: Trainee, lesson: Lesson) -> Enrollment | None:
    """The trainee's active enrollment (at most one: training's one-active-project rule)."""
    return (
        Enrollment.objects.filter(trainee=trainee, status=EnrollmentStatus.ACTIVE)
        .select_related("project", "trainee")
        .first()
    )


def _start_refusal(*, trainee: Trainee | None, lesson: Lesson) -> tuple[Enrollment | None, str | None]:
    from proctoring.services.consent import has_biometric_consent
    from proctoring.services.enrolment import template_for
    from training.services.lessons import lesson_enrollment_check

    if trainee is None:
        return None, _("只有学员可以在线学习")
    enrollment = study_enrollment_for(trainee=trainee, lesson=lesson)
    if enrollment is None:
        return None, _("您没有正在进行的培训项目")
    error = lesson_enrollment_check(enrollment=enrollment, lesson=lesson)
    if error:
        return None, error
    if not has_biometric_consent(trainee):
        return enrollment, _("未同意人脸核验：请改为参加线下学习（现场核验身份），或先签署同意书")
    if template_for(trainee) is None:
        return enrollment, _("尚未采集人脸基准照片：请先完成人脸采集")
    return enrollment, None


def study_start_error(*, trainee: Trainee | None, lesson: Lesson) -> str | None:
    """Why this person may not start a face-verified study session on this lesson, or None."""
    return _start_refusal(trainee=trainee, lesson=lesson)[1]


@transaction.atomic
def study_session_start(*, trainee: Trainee, lesson: Lesson) -> tuple[StudySession, list[int]]:
    """Open a session; any other active session of the trainee ends (one active session per trainee).

    Returns the new session and the ids of the sessions it ended (their pages are told through the channel layer).
    The trainee row is locked so that two tabs opening at once still leave exactly one active session.
    """
    from training.services.lessons import lesson_progress_for

    enrollment, error = _start_refusal(trainee=trainee, lesson=lesson)
    if error:
        raise ValidationError(error)
    Trainee.objects.select_for_update().only("pk").get(pk=trainee.pk)
    others = list(
        StudySession.objects.filter(trainee=trainee, status=SessionStatus.ACTIVE).values_list("pk", flat=True)
    )
    if others:
        StudySession.objects.filter(pk__in=others).update(
            status=SessionStatus.ENDED, ended_at=timezone.now(), end_reason="已在其他窗口或设备开始学习"
        )
    progress = lesson_progress_for(enrollment=enrollment, lesson=lesson)
    session = StudySession(
        trainee=trainee, enrollment=enrollment, lesson=lesson, verified_second=progress.furthest_second
    )
    # The related rows were just read and the one-active-session constraint holds under the lock (and in the
    # database): only the fields' own validation is left to run, on the hot path of every page opening.
    session.full_clean(exclude=["trainee", "enrollment", "lesson"], validate_constraints=False)
    session.save()
    return session, others


def study_session_end(*, session_id: int, reason: str) -> bool:
    """End a session if it is still active; True when this call ended it."""
    return bool(
        StudySession.objects.filter(pk=session_id, status=SessionStatus.ACTIVE).update(
            status=SessionStatus.ENDED, ended_at=timezone.now(), end_reason=reason[:100]
        )
    )


def study_sessions_end_for_trainee(*, trainee_id: int, reason: str) -> list[int]:
    """End every active session of the trainee now (e.g. consent withdrawn); after commit each open page is told
    through the channel layer and closes (proctoring.consumers.StudyConsumer.study_ended). Returns their ids."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from proctoring.tasks import study_group

    ended = list(
        StudySession.objects.filter(trainee_id=trainee_id, status=SessionStatus.ACTIVE).values_list("pk", flat=True)
    )
    if not ended:
        return []
    StudySession.objects.filter(pk__in=ended).update(
        status=SessionStatus.ENDED, ended_at=timezone.now(), end_reason=reason[:100]
    )

    def tell_pages():
        layer = get_channel_layer()
        for session_id in ended:
            async_to_sync(layer.group_send)(study_group(session_id), {"type": "study.ended", "reason": reason})

    transaction.on_commit(tell_pages)
    return ended


def study_session_is_active(session_id: int) -> bool:
    return StudySession.objects.filter(pk=session_id, status=SessionStatus.ACTIVE).exists()


def study_page_hidden(*, session_id: int) -> None:
    StudySession.objects.filter(pk=session_id).update(hidden_count=F("hidden_count") + 1)


def snapshot_request_error(*, session: StudySession, recheck: bool) -> str | None:
    """Why the server may not ask for a frame now: the session ended, a check is still open (one at a time, so
    asking again cannot multiply snapshots and flags), a re-check without a failed check to answer, or a scheduled
    check while a failed one waits for its re-check."""
    if session.status != SessionStatus.ACTIVE:
        return _("核验：学习会话已结束")
    checks = session.snapshots.order_by("-seq")
    if checks.filter(verdict="").exists():
        return _("核验：上一次核验尚未完成")
    last = checks.exclude(verdict="").first()
    if recheck and (last is None or last.passed):
        return _("核验：没有未通过的核验，无需重新核验")
    if not recheck and last is not None and last.failed:
        # After a failed check the timer is paused: only the re-check the page asks for may follow.
        return _("核验：上次核验未通过，须先重新核验")
    return None


@transaction.atomic
def snapshot_request(*, session_id: int, covers_until: float, recheck: bool = False) -> Snapshot:
    """The server asks the page for a frame now (the time was chosen by proctoring.rules.next_snapshot_delay, or
    the page asked for its re-check after a failed one). Raises ValidationError when it may not."""
    session = StudySession.objects.select_for_update().get(pk=session_id)
    error = snapshot_request_error(session=session, recheck=recheck)
    if error:
        raise ValidationError(error)
    seq = (session.snapshots.aggregate(m=Max("seq"))["m"] or 0) + 1
    return Snapshot.objects.create(session=session, seq=seq, covers_until=covers_until, recheck=recheck)


def snapshot_upload_error(*, snapshot: Snapshot, user, image_bytes: bytes, now=None) -> str | None:
    """Why an uploaded frame is refused: not this trainee's, already sent, too late, or not a JPEG."""
    now = now or timezone.now()
    session = snapshot.session
    if user.trainee_id != session.trainee_id:
        return _("抓拍：不是本人的学习会话")
    if session.status != SessionStatus.ACTIVE:
        return _("抓拍：学习会话已结束")
    if snapshot.taken_at or snapshot.verdict:
        return _("抓拍：该次抓拍已上传")
    if now - snapshot.requested_at > timedelta(seconds=settings.STUDY_SNAPSHOT_UPLOAD_SECONDS):
        return _("抓拍：超过 %(s)g 秒未上传") % {"s": settings.STUDY_SNAPSHOT_UPLOAD_SECONDS}
    if not image_bytes.startswith(JPEG_MAGIC):
        return _("抓拍：图像须为 JPEG")
    if len(image_bytes) > MAX_SNAPSHOT_BYTES:
        return _("抓拍：图像过大（上限 2 MB）")
    return None


@transaction.atomic
def snapshot_upload(*, snapshot_id: int, user, image_bytes: bytes) -> Snapshot:
    """Store the requested frame and queue its verification (after commit, so the worker sees the row)."""
    from proctoring.services.enrolment import study_upload_refusal
    from proctoring.tasks import verify_snapshot

    # Consent and template first, under the trainee's lock (the one a withdrawal takes): nothing is stored for a
    # trainee who withdrew or has no reference face.
    trainee_id = Snapshot.objects.values_list("session__trainee_id", flat=True).get(pk=snapshot_id)
    trainee = Trainee.objects.select_for_update().get(pk=trainee_id)
    if user.trainee_id == trainee.pk and (refusal := study_upload_refusal(trainee)):
        raise ValidationError(refusal)
    snapshot = Snapshot.objects.select_for_update().select_related("session").get(pk=snapshot_id)
    if user.trainee_id != snapshot.session.trainee_id:
        raise PermissionDenied(_("抓拍：不是本人的学习会话"))
    error = snapshot_upload_error(snapshot=snapshot, user=user, image_bytes=image_bytes)
    if error:
        raise ValidationError(error)
    snapshot.taken_at = timezone.now()
    # Biometric data at rest is encrypted (proctoring.crypto), like the enrolment photos.
    snapshot.image.save(
        f"s{snapshot.session_id}-{snapshot.seq}.jpg.enc", ContentFile(encrypt_bytes(image_bytes)), save=False
    )
    snapshot.save(update_fields=["taken_at", "image"])
    transaction.on_commit(lambda: verify_snapshot.delay(snapshot.pk))
    return snapshot


def snapshot_mark_missing(*, snapshot_id: int) -> Snapshot | None:
    """The page did not send the requested frame in time: a failed check (returns None if it did arrive)."""
    from proctoring.services.flags import flag_raise_failed_check

    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.taken_at or snapshot.verdict:
            return None
        snapshot.verdict = SnapshotVerdict.MISSING
        snapshot.checked_at = timezone.now()
        snapshot.save(update_fields=["verdict", "checked_at"])
        StudySession.objects.filter(pk=snapshot.session_id).update(checks_failed=F("checks_failed") + 1)
        flag_raise_failed_check(snapshot=snapshot)
    return snapshot


@dataclass(frozen=True)
class StudyCredit:
    seq: int
    gain: float  # seconds this check added (0 for a replay, a stretch lost to a failure, or a repeated call)
    verified_second: float  # the session's verified lesson point afterwards
    credited_seconds: float  # the session's credited seconds afterwards


def _timestamp(value) -> float:
    return value.timestamp()


@transaction.atomic
def study_credit(*, session_id: int, seq: int) -> StudyCredit:
    """Credit the stretch of passed check number `seq` of the session (SPEC 三(三): only verified time counts).

    The session row is locked; the check must have passed, and no failed check may come after it. The stretch
    ends at the lesson point recorded when the server asked for the frame, bounded by the wall-clock time since
    the session started, since the last credited check (plus one heartbeat timeout) and since the last failed check
    was decided (proctoring.rules.credit_reach). Each check credits once; calling again credits nothing.
    Training checks the lesson is of the plan of the trainee's class in their active enrolment and writes the
    whole seconds due to the ledger (training.services.lessons.lesson_study_credit).
    """
    from training.services.lessons import lesson_study_credit

    session = (
        StudySession.objects.select_for_update()
        .select_related("lesson__course__plan", "enrollment__trainee")
        .get(pk=session_id)
    )
    check = session.snapshots.filter(seq=seq).first()
    if check is None or not check.passed:
        raise ValidationError(f"计时：第 {seq} 次核验未通过，不能计入学时")
    if check.credited_seconds is not None:
        return StudyCredit(seq, 0.0, session.verified_second, session.credited_seconds)
    checks = session.snapshots.exclude(pk=check.pk)
    failed = checks.exclude(verdict__in=["", SnapshotVerdict.MATCH])
    reached = session.verified_second
    if not failed.filter(seq__gt=seq).exists():
        last_failed = failed.filter(seq__lt=seq).order_by("-checked_at").values_list("checked_at", flat=True).first()
        last_credited = (
            checks.filter(seq__lt=seq, credited_seconds__isnull=False)
            .order_by("-requested_at")
            .values_list("requested_at", flat=True)
            .first()
        )
        reached = rules.credit_reach(
            verified_second=session.verified_second,
            covers_until=check.covers_until,
            requested_at=_timestamp(check.requested_at),
            started_at=_timestamp(session.started_at),
            last_credited_at=None if last_credited is None else _timestamp(last_credited),
            last_failed_at=None if last_failed is None else _timestamp(last_failed),
            slack=float(settings.STUDY_HEARTBEAT_TIMEOUT_SECONDS),
        )
    gain = 0.0
    if reached > session.verified_second:
        credit = lesson_study_credit(
            enrollment=session.enrollment,
            lesson=session.lesson,
            reached_second=reached,
            source=f"{session.credit_source_prefix}{seq}",
        )
        gain = credit.gain
        session.verified_second = reached
        session.credited_seconds += gain
        session.save(update_fields=["verified_second", "credited_seconds"])
    Snapshot.objects.filter(pk=check.pk).update(credited_seconds=gain)
    return StudyCredit(seq, gain, session.verified_second, session.credited_seconds)
