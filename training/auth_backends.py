from django.contrib.auth.backends import ModelBackend

from training.roles import role_permissions


class RoleBackend(ModelBackend):
    """Password sign-in as usual; permissions are those of the user's role in the one table (training/roles.py,
    merged with the GRANTS each app registers)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return super().get_all_permissions(user_obj) | set(role_permissions(user_obj.role))
