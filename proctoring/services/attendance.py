"""The face check at QR sign-in/sign-out of an offline session (SPEC 三(三); 人脸识别技术应用安全管理办法).

Where the trainee consented to face verification, the phone's frame is checked with the one face-check path
(proctoring.faces.check_face) against their enrolled template; without consent the fresh QR code alone counts
(face recognition is never the only way). Nothing of the frame is kept: only the verdict decides the method
recorded on the attendance ("扫码+人脸核验").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from proctoring import faces
from proctoring.services.consent import has_biometric_consent
from proctoring.services.enrolment import template_for
from training.services.checkin import checkin_ticket_verify
from training.services.classes import attendance_self_record


def face_check_required(trainee) -> bool:
    return has_biometric_consent(trainee)


def _frame_error(image_bytes: bytes) -> str | None:
    """Why the frame cannot be checked: missing, or refused by the one safe loader's size and pixel limits."""
    if not image_bytes:
        return _("人脸核验：缺少照片")
    reason = faces.image_error(image_bytes)
    return _("人脸核验：%(reason)s") % {"reason": reason} if reason else None


VERDICT_REASONS = {
    faces.Verdict.MISMATCH: "人脸核验未通过：与本人采集的人脸不符",
    faces.Verdict.NO_FACE: "人脸核验未通过：未检测到人脸，请正对摄像头",
    faces.Verdict.MULTIPLE_FACES: "人脸核验未通过：画面中有多张人脸，只能有本人",
    faces.Verdict.STATIC: "人脸核验未通过：画面静止",
}


def attendance_face_check(*, trainee, image_bytes: bytes | None) -> faces.FaceCheck:
    """Check the frame against the trainee's template; ValidationError with the reason when it does not pass."""
    reference = template_for(trainee)
    if reference is None:
        raise ValidationError(_("您已同意人脸核验但尚未采集人脸：请先完成人脸采集，再扫码签到"), code="not_enrolled")
    reason = _frame_error(image_bytes or b"")
    if reason:
        raise ValidationError(reason, code="frame")
    try:
        check = faces.check_face(reference, bytes(image_bytes))
    except faces.ImageUnreadable as exc:
        raise ValidationError(_("人脸核验：%(reason)s") % {"reason": exc}, code="frame") from exc
    if not check.verdict.passed:
        raise ValidationError(_(VERDICT_REASONS[check.verdict]), code=str(check.verdict))
    return check


def attendance_scan(*, session, user, ticket: str, image_bytes: bytes | None = None):
    """Sign the trainee in or out with the ticket a fresh QR code of the session gave them: the face check first
    where they consented, then training's attendance service (which checks the ticket again) records it.
    Returns (attendance, action)."""
    action = checkin_ticket_verify(session_id=session.pk, ticket=ticket, user_id=user.pk)  # fail before the face
    face_checked = False
    if face_check_required(user.trainee):
        attendance_face_check(trainee=user.trainee, image_bytes=image_bytes)
        face_checked = True
    return attendance_self_record(session=session, user=user, ticket=ticket, face_checked=face_checked), action
