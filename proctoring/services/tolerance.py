"""Changing the face tolerance (proctoring.faces.tolerance): rule data with an effective date and who set it.

Rules: only a user with proctoring.set_face_tolerance bound to a whole province (or an administrator) changes it,
since one tolerance serves every check; the value stays within 0.20–0.90; it takes effect today or later, never
back-dated (a past check keeps the tolerance it was made with); a reason is required.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring.models import FaceTolerance

MIN_TOLERANCE = Decimal("0.20")
MAX_TOLERANCE = Decimal("0.90")


def can_set_tolerance(user) -> bool:
    from training.models import RegionLevel

    if not user.has_perm("proctoring.set_face_tolerance"):
        return False
    return user.is_superuser or (user.region_id is not None and user.region.level == RegionLevel.PROVINCE)


def tolerance_value_error(value) -> str | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return _("阈值：须为数字")
    if not (MIN_TOLERANCE <= number <= MAX_TOLERANCE):
        return _("阈值：须在%(min)s到%(max)s之间") % {"min": MIN_TOLERANCE, "max": MAX_TOLERANCE}
    return None


@transaction.atomic
def face_tolerance_set(*, user, value, effective_from: datetime.date, reason: str) -> FaceTolerance:
    """Record a new tolerance from `effective_from` on. Raises PermissionDenied or ValidationError (field: message)."""
    if not can_set_tolerance(user):
        raise PermissionDenied(_("人脸核验阈值：仅省级人力资源社会保障部门或系统管理员可以调整"))
    errors = {}
    if message := tolerance_value_error(value):
        errors["value"] = message
    if effective_from < timezone.localdate():
        errors["effective_from"] = _("生效日期：不能早于今天（已做的核验不改变）")
    if not (reason or "").strip():
        errors["reason"] = _("调整理由：必须填写")
    if errors:
        raise ValidationError(errors)
    row = FaceTolerance(
        value=Decimal(str(value)).quantize(Decimal("0.001")),
        effective_from=effective_from,
        reason=reason.strip(),
        changed_by=user,
    )
    row.full_clean()
    row.save()
    return row
