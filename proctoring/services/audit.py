"""Every view of a biometric image (enrolment photo, snapshot, flag evidence) by staff is logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from proctoring.models import ImageAccessLog


def may_view_biometric_images(user) -> bool:
    """Who may look at face images: those granted proctoring.view_biometric_image (proctoring/roles.py), in scope."""
    return user.has_perm("proctoring.view_biometric_image")


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
