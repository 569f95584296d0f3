"""Who may take a step of the fund, checked inside every service (pages, admin, commands all pass through)."""

from django.core.exceptions import ValidationError

from training.scope import is_visible


def require(user, permission: str, obj=None, *, action: str) -> None:
    """The user holds `permission` (training/roles.py table) and sees `obj` (training.scope); else refused."""
    if user is None or not user.has_perm(permission):
        raise ValidationError(f"{action}：您的角色无权进行此操作")
    if obj is not None and not is_visible(user, obj):
        raise ValidationError(f"{action}：不在您的管辖范围内")
