"""Every view of a biometric image (enrolment photo, snapshot, flag evidence) by staff is logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from proctoring.models import ImageAccessLog
from training.roles import Role

# Who may look at face images: the reviewers of flags (EM, HR, third-party auditors) and superusers, in scope.
BIOMETRIC_REVIEWER_ROLES = frozenset({Role.EM_OFFICER, Role.HR_OFFICER, Role.AUDITOR})


def may_view_biometric_images(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role in BIOMETRIC_REVIEWER_ROLES)


def image_access_log(*, viewer, image_kind: str, image_id: int, reason: str, trainee=None, ip_address=None):
    """Record that `viewer` looked at an image, and why. Raises PermissionDenied for a non-reviewer and
    ValidationError when no reason is given; call it before the image bytes are sent."""
    if not may_view_biometric_images(viewer):
        raise PermissionDenied(_("只有复核人员可以查看人脸图像"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("查看原因：必填")})
    row = ImageAccessLog(
        viewer=viewer,
        image_kind=image_kind,
        image_id=image_id,
        trainee=trainee,
        reason=reason[:200],
        ip_address=ip_address or None,
    )
    row.full_clean()
    row.save()
    return row
