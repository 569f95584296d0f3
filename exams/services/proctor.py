"""Proctoring of an online exam through proctoring's one face-check path (proctoring.faces.check_face against the
trainee's template), focus and full-screen losses, and the limit after which the attempt is submitted and
flagged into proctoring's flag review.

A trainee without biometric consent is never asked for a face: they sit the exam at an exam site instead.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exams.models import EventKind, SubmitReason
from exams.services.attempts import ExamRefused, _locked_attempt, _refuse
from exams.services.evidence import event_append

NO_CONSENT = "您未同意人脸识别，线上考试需要人脸核验。请选择到考点参加考试（考点由工作人员核验身份证）。"


def face_check_error(trainee) -> str | None:
    """Why a face check cannot be asked of this trainee (None = it can)."""
    from proctoring.services.consent import has_biometric_consent
    from proctoring.services.enrolment import template_for

    if not has_biometric_consent(trainee):
        return NO_CONSENT
    if template_for(trainee) is None:
        return "您尚未采集人脸模板，请先完成人脸采集，或到考点参加考试。"
    return None


def face_verify(*, trainee, image_bytes: bytes) -> tuple[bool, dict]:
    """One face check through proctoring's path: (passed, {"verdict", "distance", "faces"})."""
    from proctoring.faces import FaceQualityError, ImageUnreadable, check_face, to_json
    from proctoring.services.enrolment import template_for

    error = face_check_error(trainee)
    if error:
        raise ExamRefused(error)
    try:
        check = check_face(template_for(trainee), image_bytes)
    except (ImageUnreadable, FaceQualityError, ValueError) as e:
        return False, {"verdict": "unreadable", "distance": None, "faces": 0, "detail": str(e)[:100]}
    return check.verdict.passed, to_json(check)


def next_check_in_seconds() -> int:
    """Random time until the next face check during the exam, as in study."""
    return int(random.uniform(settings.EXAM_FACE_CHECK_MIN_SECONDS, settings.EXAM_FACE_CHECK_MAX_SECONDS))


def _incident(attempt, now) -> bool:
    """Count one incident; True when the limit is reached (the caller submits and flags)."""
    attempt.incidents += 1
    return attempt.incidents >= settings.EXAM_MAX_INCIDENTS


def _flag_and_submit(attempt_id: int, note: str, verdict: str = "") -> None:
    from exams.services.grading import attempt_submit
    from proctoring.services.flags import flag_raise_exam

    attempt = attempt_submit(attempt_id=attempt_id, reason=SubmitReason.PROCTORING, flagged=True)
    flag_raise_exam(
        enrollment_id=attempt.enrollment_id, exam_ref=f"exam-attempt:{attempt.pk}", note=note, verdict=verdict
    )


def focus_lost(*, attempt_id: int, trainee_id, tab_token: str, what: str, seconds: float, now=None) -> dict:
    """Log a loss of focus or of full screen with its time and duration."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id=attempt_id, trainee_id=trainee_id, tab_token=tab_token, now=now)
        what = what if what in ("blur", "fullscreen", "hidden") else "blur"
        event_append(attempt, EventKind.FOCUS, {"what": what, "seconds": round(max(0.0, float(seconds)), 1)}, now)
        over = attempt.sitting.mode == "online" and _incident(attempt, now)
        attempt.save(update_fields=["event_count", "last_hash", "incidents"])
    if over:
        _flag_and_submit(attempt_id, f"考试中离开页面或退出全屏达到{settings.EXAM_MAX_INCIDENTS}次，已强制交卷")
        return {"submitted": True, "incidents": attempt.incidents}
    return {"submitted": False, "incidents": attempt.incidents}


def face_check_during(*, attempt_id: int, trainee_id, tab_token: str, image_bytes: bytes, now=None) -> dict:
    """A random face check during the exam; a failure counts toward the limit."""
    from exams.models import Attempt

    attempt = Attempt.objects.select_related("enrollment__trainee").get(pk=attempt_id)
    if attempt.enrollment.trainee_id != trainee_id:
        raise _refuse("这不是您的考试", attempt=attempt_id)
    passed, detail = face_verify(trainee=attempt.enrollment.trainee, image_bytes=image_bytes)
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id=attempt_id, trainee_id=trainee_id, tab_token=tab_token, now=now)
        event_append(
            attempt,
            EventKind.FACE,
            {"passed": passed, "verdict": detail["verdict"], "distance": detail["distance"]},
            now,
        )
        over = (not passed) and _incident(attempt, now)
        attempt.save(update_fields=["event_count", "last_hash", "incidents"])
    if over:
        _flag_and_submit(
            attempt_id, f"考试中人脸核验未通过等异常达到{settings.EXAM_MAX_INCIDENTS}次，已强制交卷", detail["verdict"]
        )
        return {"passed": passed, "submitted": True, **detail}
    return {"passed": passed, "submitted": False, "next": next_check_in_seconds(), **detail}
