"""Who may do what: the roles of SPEC 'People and organisations' and the model permissions each role has.

Which *rows* a role sees is decided by `training.scope`; this table decides which *actions* (view, add,
change, delete) the role may take on the rows it sees. `training.auth_backends.RoleBackend` reads it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAINEE = "trainee", _("学员")
    PROVIDER_STAFF = "provider", _("培训机构工作人员")
    EM_OFFICER = "em", _("应急管理部门")
    HR_OFFICER = "hr", _("人力资源社会保障部门")
    PARK_OFFICER = "park", _("化工园区")
    SI_OFFICER = "si", _("社会保险经办机构")
    AUDITOR = "auditor", _("第三方机构")
    EXPERT = "expert", _("专家")
    ADMIN = "admin", _("系统管理员")


# Roles bound to a region: they see that region and everything below it.
REGION_ROLES = frozenset({Role.EM_OFFICER, Role.HR_OFFICER, Role.SI_OFFICER})
# Roles that work in the back office (Django admin).
STAFF_ROLES = frozenset(set(Role) - {Role.TRAINEE})


def _perms(app: str, model: str, *actions: str) -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions}


VIEW = ("view",)
EDIT = ("view", "add", "change")

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.TRAINEE: frozenset(),
    Role.PROVIDER_STAFF: frozenset(
        _perms("training", "provider", *VIEW)
        | _perms("training", "teacher", *EDIT)
        | _perms("training", "enterprise", *VIEW)
        | _perms("training", "trainee", *VIEW)
        | _perms("training", "trainingproject", *VIEW)
        | _perms("training", "enrollment", *VIEW)
    ),
    Role.EM_OFFICER: frozenset(
        _perms("training", "region", *VIEW)
        | _perms("training", "chemicalpark", *EDIT)
        | _perms("training", "enterprise", *EDIT)
        | _perms("training", "provider", *VIEW)
        | _perms("training", "teacher", *VIEW)
        | _perms("training", "trainee", *EDIT)
        | _perms("training", "trainingproject", *VIEW)
        | _perms("training", "enrollment", *VIEW)
    ),
    Role.HR_OFFICER: frozenset(
        _perms("training", "region", *VIEW)
        | _perms("training", "chemicalpark", *VIEW)
        | _perms("training", "enterprise", *VIEW)
        | _perms("training", "provider", *EDIT)
        | _perms("training", "teacher", *VIEW)
        | _perms("training", "trainee", *VIEW)
        | _perms("training", "trainingproject", *EDIT)
        | _perms("training", "enrollment", *VIEW)
    ),
    Role.SI_OFFICER: frozenset(
        _perms("training", "enterprise", *VIEW)
        | _perms("training", "provider", *VIEW)
        | _perms("training", "trainee", *VIEW)
        | _perms("training", "trainingproject", *VIEW)
        | _perms("training", "enrollment", *VIEW)
    ),
    Role.PARK_OFFICER: frozenset(
        _perms("training", "chemicalpark", *VIEW)
        | _perms("training", "enterprise", *EDIT)
        | _perms("training", "trainee", *EDIT)
        | _perms("training", "trainingproject", *VIEW)
        | _perms("training", "enrollment", *VIEW)
    ),
    Role.AUDITOR: frozenset(
        _perms("training", "enterprise", *VIEW)
        | _perms("training", "provider", *VIEW)
        | _perms("training", "trainee", *VIEW)
        | _perms("training", "trainingproject", *VIEW)
        | _perms("training", "enrollment", *VIEW)
    ),
    Role.EXPERT: frozenset(_perms("training", "trainingproject", *VIEW) | _perms("training", "provider", *VIEW)),
    Role.ADMIN: frozenset(),  # administrators are superusers
}


def role_permissions(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


# Issue 3 (training rules): classes, plans, contracts, reviews, hours and rule sets are visible in the admin to
# every back-office role (rows limited by training.scope); providers run their classes and sessions there too.
# Workflow steps, attendance and the hours ledger are written only through the pages and services.
_RULES_MODELS = (
    "offlineclass", "classsession", "attendance", "trainingplan", "course", "creditedhours",
    "servicecontract", "expertreview", "projectstatuschange", "ruleset", "classrule",
)
for _role in (Role.PROVIDER_STAFF, Role.EM_OFFICER, Role.HR_OFFICER, Role.SI_OFFICER, Role.PARK_OFFICER,
              Role.AUDITOR, Role.EXPERT):
    _extra = set().union(*(_perms("training", m, *VIEW) for m in _RULES_MODELS))
    if _role == Role.PROVIDER_STAFF:
        _extra |= _perms("training", "offlineclass", *EDIT) | _perms("training", "classsession", *EDIT)
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | frozenset(_extra)
