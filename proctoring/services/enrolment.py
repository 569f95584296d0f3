"""Enrolment: a trainee's reference face, from their own camera or from a provider's bulk upload.

Rules (SPEC 三(三); issue 7 finding 3: the provider is the party that gets paid, so it never chooses whose face
verifies a trainee):
- nothing biometric is stored without consent in force (checked again under the trainee's row lock, so a
  withdrawal running at the same time wins); the photo passes the one quality gate (proctoring.faces);
- a bulk upload only creates a template for a trainee who has none; replacing one needs the trainee, signed in,
  at the camera (`template_change_error`); a new face farther than FACE_TOLERANCE from the old template is held
  for review (proctoring.services.template_review) and the old template stays in force until then;
- every change is recorded with who, when, why and the distance to the previous template (FaceTemplateEvent);
- a new face that matches another trainee's template in the same project or provider raises a proxy flag at once,
  through the same search as study snapshots (proctoring.services.snapshots.roster_templates);
- the 128-d template is stored encrypted in its own table; the photo is kept BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring import crypto, faces
from proctoring.models import (
    EnrolmentPhoto,
    EnrolmentSource,
    FaceTemplate,
    ReviewStatus,
    TemplateAction,
    TemplateChangeSource,
    TemplateReview,
)
from proctoring.search import scope_bump
from proctoring.services.consent import has_biometric_consent
from proctoring.services.template_events import template_event_record
from training.models import Enrollment, EnrollmentStatus, Trainee


def no_consent_message() -> str:
    return _("人脸采集：该学员未同意人脸核验，不能采集（可改为线下学习，现场核验身份）")


def template_change_error(*, has_template: bool, source: str, actor_is_trainee: bool) -> str | None:
    """Who may set a trainee's template: anyone enrolling may create the first one (consent given); only the trainee,
    signed in at the camera, may replace it. A bulk upload never replaces a template."""
    if not has_template:
        return None
    if source == EnrolmentSource.BULK:
        return _("人脸采集：该学员已有人脸模板，批量导入不能替换；需学员本人登录后在摄像头前重新采集")
    if source != EnrolmentSource.CAMERA or not actor_is_trainee:
        return _("人脸采集：替换人脸模板须由学员本人登录后在摄像头前采集")
    return None


def _actor_is_trainee(actor, trainee) -> bool:
    return actor is not None and getattr(actor, "trainee_id", None) == trainee.pk


def face_enrol(
    *, trainee, image_bytes: bytes, source: str = EnrolmentSource.CAMERA, actor=None, reason: str = ""
) -> FaceTemplate | TemplateReview:
    """Make the trainee's reference template from one photo. Returns the template in force, or the review that holds
    a replacement far from the old face. Raises ValidationError with the reason (code "no_consent", "quality",
    "unreadable" or "replace_refused")."""
    if not has_biometric_consent(trainee):
        raise ValidationError(no_consent_message(), code="no_consent")
    error = template_change_error(
        has_template=FaceTemplate.objects.filter(trainee=trainee).exists(),
        source=source,
        actor_is_trainee=_actor_is_trainee(actor, trainee),
    )
    if error:  # refused before the slow face work; checked again under the lock
        raise ValidationError(error, code="replace_refused")
    try:
        encoding = faces.reference_encoding(bytes(image_bytes))  # slow: outside the transaction
    except faces.ImageUnreadable as exc:
        raise ValidationError(_("人脸采集：%(reason)s") % {"reason": exc}, code="unreadable") from exc
    except faces.FaceQualityError as exc:
        raise ValidationError(_("人脸采集：%(reason)s") % {"reason": exc}, code="quality") from exc
    return _store(trainee, encoding, bytes(image_bytes), source=source, actor=actor, reason=reason)


def _default_reason(source: str, replacing: bool) -> str:
    if source == EnrolmentSource.BULK:
        return _("培训机构批量导入")
    return _("本人重新采集") if replacing else _("本人首次采集")


@transaction.atomic
def _store(trainee, encoding: np.ndarray, image_bytes: bytes, *, source: str, actor, reason: str):
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if not has_biometric_consent(trainee):  # withdrawn while the photo was being analysed
        raise ValidationError(no_consent_message(), code="no_consent")
    current = FaceTemplate.objects.select_for_update().filter(trainee=trainee).first()
    error = template_change_error(
        has_template=current is not None, source=source, actor_is_trainee=_actor_is_trainee(actor, trainee)
    )
    if error:
        raise ValidationError(error, code="replace_refused")
    reason = reason.strip() or _default_reason(source, current is not None)
    change_source = TemplateChangeSource(source)
    if current is None:
        photo = _keep_photo(trainee, image_bytes, source, days=settings.BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS)
        result = FaceTemplate(trainee=trainee, photo=photo)
        _set_template(result, encoding)
        event = template_event_record(
            trainee=trainee, action=TemplateAction.CREATED, source=change_source, actor=actor, reason=reason
        )
    else:
        distance = float(np.linalg.norm(encoding - crypto.decrypt_template(bytes(current.encrypted))))
        if distance <= faces.tolerance():
            photo = _keep_photo(trainee, image_bytes, source, days=settings.BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS)
            current.photo = photo
            result = _set_template(current, encoding)
            action, review = TemplateAction.REPLACED, None
        else:
            result = review = _hold_for_review(trainee, current, encoding, image_bytes, distance, actor)
            action = TemplateAction.HELD
        event = template_event_record(
            trainee=trainee,
            action=action,
            source=change_source,
            actor=actor,
            reason=reason,
            distance=distance,
            review=review,
        )
    _flag_if_face_of_another(trainee, encoding, event)
    return result


def _set_template(template: FaceTemplate, encoding: np.ndarray) -> FaceTemplate:
    template.encrypted = crypto.encrypt_template(encoding)
    template.model_version = faces.MODEL_VERSION
    template.full_clean(exclude=["trainee", "photo"], validate_constraints=False)  # the trainee is locked
    template.save()
    scope_bump(trainee_id=template.trainee_id)  # workers reload the scope's templates at their next search
    return template


def _keep_photo(trainee, image_bytes: bytes, source: str, *, days: float) -> EnrolmentPhoto | None:
    if float(days) <= 0:
        return None
    return EnrolmentPhoto.objects.create(
        trainee=trainee,
        encrypted=crypto.encrypt_bytes(image_bytes),
        content_type=_content_type(image_bytes),
        source=source,
        expires_at=timezone.now() + timedelta(days=float(days)),
    )


def _hold_for_review(trainee, current, encoding, image_bytes, distance, actor) -> TemplateReview:
    """The new face is far from the old one: it waits for a reviewer; both photos are kept while the review is open
    (at most BIOMETRIC_TEMPLATE_REVIEW_DAYS). A newer attempt replaces a review still waiting."""
    days = max(
        float(settings.BIOMETRIC_TEMPLATE_REVIEW_DAYS), float(settings.BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS)
    )
    TemplateReview.objects.filter(trainee=trainee, status=ReviewStatus.PENDING).update(
        status=ReviewStatus.CANCELLED, encrypted=b"", review_reason=_("学员再次采集，本申请作废")
    )
    new_photo = _keep_photo(trainee, image_bytes, EnrolmentSource.CAMERA, days=days)
    old_photo = current.photo
    if old_photo is not None:
        keep_until = timezone.now() + timedelta(days=days)
        EnrolmentPhoto.objects.filter(pk=old_photo.pk, expires_at__lt=keep_until).update(expires_at=keep_until)
    review = TemplateReview(
        trainee=trainee,
        encrypted=crypto.encrypt_template(encoding),
        model_version=faces.MODEL_VERSION,
        distance=distance,
        old_photo=old_photo,
        new_photo=new_photo,
        requested_by=actor,
    )
    review.save()
    return review


def _study_enrollment(trainee) -> Enrollment | None:
    """The enrolment a proxy flag at enrolment is filed under: the active one (one per person), else the latest."""
    rows = Enrollment.objects.filter(trainee=trainee).select_related("project")
    return rows.filter(status=EnrollmentStatus.ACTIVE).first() or rows.order_by("-created_at").first()


def _flag_if_face_of_another(trainee, encoding: np.ndarray, event) -> None:
    """A new face that matches another trainee's template in the same project or provider: a proxy flag now,
    before any study (the same search as study snapshots)."""
    from proctoring.services.flags import flag_raise_proxy_at_enrolment
    from proctoring.services.snapshots import roster_templates

    enrollment = _study_enrollment(trainee)
    if enrollment is None:
        return
    candidates = roster_templates(project=enrollment.project, exclude_trainee_id=trainee.pk)
    for matched_trainee_id, distance in faces.nearest_templates(encoding, candidates)[:1]:
        flag_raise_proxy_at_enrolment(
            enrollment=enrollment, event=event, matched_trainee_id=matched_trainee_id, distance=distance
        )


def _content_type(data: bytes) -> str:
    return "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"


def template_for(trainee) -> np.ndarray | None:
    """The trainee's decrypted reference encoding, or None (not enrolled, or consent not in force)."""
    row = FaceTemplate.objects.filter(trainee=trainee).only("encrypted").first()
    if row is None:
        return None
    return crypto.decrypt_template(row.encrypted)


def has_template(trainee) -> bool:
    return FaceTemplate.objects.filter(trainee=trainee).exists()


def enrolment_photo_bytes(photo: EnrolmentPhoto) -> bytes:
    """The decrypted photo. Callers that show it to a person log the view (proctoring.services.audit)."""
    return crypto.decrypt_bytes(photo.encrypted)


def study_upload_refusal(trainee) -> str | None:
    """Why no study frame of this trainee may be stored now: consent not in force, or no template."""
    if not has_biometric_consent(trainee):
        return _("抓拍：未同意人脸核验（或已撤回），不能上传")
    if not has_template(trainee):
        return _("抓拍：尚无人脸基准，不能上传")
    return None
