"""Review of a template replacement held because the new face is far from the old one (issue 7 finding 3).

Rule: such a replacement takes effect only when a reviewer with proctoring.review_template (HR officers and
third-party auditors) approves it, in scope, with a reason, after seeing the old and the new photo (each view logged
through proctoring.services.audit). Approval and rejection are recorded as template events.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring.models import (
    EnrolmentPhoto,
    FaceTemplate,
    ReviewStatus,
    TemplateAction,
    TemplateChangeSource,
    TemplateReview,
)
from proctoring.search import scope_bump
from proctoring.services.consent import has_biometric_consent
from proctoring.services.template_events import template_event_record
from training.models import Trainee
from training.scope import is_visible, visible

REVIEW_PERMISSION = "proctoring.review_template"


def may_review_templates(user) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


def pending_template_reviews(user):
    """The replacements waiting for review in the user's scope (oldest first)."""
    reviews = TemplateReview.objects.filter(status=ReviewStatus.PENDING).select_related("trainee", "requested_by")
    return visible(user, reviews).order_by("created_at")


def _photos_back_to_normal_retention(review: TemplateReview) -> None:
    """Once decided, both photos keep at most the normal enrolment-photo retention from now."""
    until = timezone.now() + timedelta(days=float(settings.BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS))
    ids = [pk for pk in (review.old_photo_id, review.new_photo_id) if pk]
    EnrolmentPhoto.objects.filter(Q(pk__in=ids), expires_at__gt=until).update(expires_at=until)


@transaction.atomic
def template_review_decide(*, review: TemplateReview, reviewer, approve: bool, reason: str) -> TemplateReview:
    """Approve (the new template replaces the old one) or reject (the old one stays) a held replacement."""
    if not may_review_templates(reviewer) or not is_visible(reviewer, review):
        raise PermissionDenied(_("复核：无权复核该申请"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("复核理由：必须填写")})
    trainee = Trainee.objects.select_for_update().get(pk=review.trainee_id)
    review = TemplateReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise ValidationError(_("复核：该申请已处理（%(status)s）") % {"status": review.get_status_display()})
    if approve and not has_biometric_consent(trainee):
        raise ValidationError(_("复核：该学员已撤回人脸核验同意"))
    if approve:
        template, _created = FaceTemplate.objects.select_for_update().get_or_create(
            trainee=trainee, defaults={"encrypted": review.encrypted, "model_version": review.model_version}
        )
        template.encrypted = bytes(review.encrypted)
        template.model_version = review.model_version
        template.photo_id = review.new_photo_id
        template.save()
        scope_bump(trainee_id=trainee.pk)  # workers reload the scope's templates at their next search
    template_event_record(
        trainee=trainee,
        action=TemplateAction.REPLACED if approve else TemplateAction.REJECTED,
        source=TemplateChangeSource.REVIEW,
        actor=reviewer,
        reason=(_("复核通过：%(reason)s") if approve else _("复核驳回：%(reason)s")) % {"reason": reason},
        distance=review.distance,
        review=review,
    )
    review.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    review.reviewer = reviewer
    review.reviewed_at = timezone.now()
    review.review_reason = reason[:200]
    review.encrypted = b""  # the pending template is not kept once decided
    review.save()
    _photos_back_to_normal_retention(review)
    return review
