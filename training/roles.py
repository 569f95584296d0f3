"""Who may do what, in one table: the roles of SPEC 'People and organisations' and the permissions each has.

Which *rows* a role sees is decided by `training.scope`; this table decides which *actions* the role may take on
the rows it sees: model permissions (view, add, change) and the workflow steps as custom permissions
("training.approve_plan", "proctoring.review_flag", ...). Code asks `user.has_perm(...)`, templates
`{% if perms.app.codename %}`; nothing outside this module and `training.scope` compares role names.

Each app above training declares `GRANTS: dict[Role, set[str]]` in its own `<app>/roles.py` and registers it
from its AppConfig.ready() (`register(GRANTS)`), so training never imports a higher app.
`training.auth_backends.RoleBackend` reads the merged table.
"""

import re

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


V = ("view",)
E = ("view", "add", "change")

# Issue 3's records (classes, plans, contracts, reviews, hours, rule sets) are readable by every back-office role,
# rows limited by training.scope. Workflow steps, attendance and the hours ledger are written only through the
# pages and services, never in the admin.
_TRAINING_RECORDS = {
    f"training.{m}": V
    for m in (
        "offlineclass", "classsession", "attendance", "trainingplan", "course", "creditedhours",
        "servicecontract", "expertreview", "projectstatuschange", "ruleset", "classrule",
    )
}  # fmt: skip

# role → {"app.model": actions}: the model permissions of training's own tables.
_MODEL_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.TRAINEE: {},
    Role.PROVIDER_STAFF: {
        **_TRAINING_RECORDS,
        "training.provider": V,
        "training.teacher": E,
        "training.enterprise": V,
        "training.trainee": V,
        "training.trainingproject": V,
        "training.enrollment": V,
        "training.offlineclass": E,
        "training.classsession": E,
        "training.rosterimport": V,
    },
    Role.EM_OFFICER: {
        **_TRAINING_RECORDS,
        "training.region": V,
        "training.chemicalpark": E,
        "training.enterprise": E,
        "training.provider": V,
        "training.teacher": V,
        "training.trainee": E,
        "training.trainingproject": V,
        "training.enrollment": V,
        "training.rosterimport": V,
    },
    Role.HR_OFFICER: {
        **_TRAINING_RECORDS,
        "training.region": V,
        "training.chemicalpark": V,
        "training.enterprise": V,
        "training.provider": E,
        "training.teacher": V,
        "training.trainee": V,
        "training.trainingproject": E,
        "training.enrollment": V,
        "training.rosterimport": V,
    },
    Role.SI_OFFICER: {
        **_TRAINING_RECORDS,
        "training.enterprise": V,
        "training.provider": V,
        "training.trainee": V,
        "training.trainingproject": V,
        "training.enrollment": V,
    },
    Role.PARK_OFFICER: {
        **_TRAINING_RECORDS,
        "training.chemicalpark": V,
        "training.enterprise": E,
        "training.trainee": E,
        "training.trainingproject": V,
        "training.enrollment": V,
    },
    Role.AUDITOR: {
        **_TRAINING_RECORDS,
        "training.enterprise": V,
        "training.provider": V,
        "training.trainee": V,
        "training.trainingproject": V,
        "training.enrollment": V,
        "training.rosterimport": V,
    },
    Role.EXPERT: {**_TRAINING_RECORDS, "training.trainingproject": V, "training.provider": V},
    Role.ADMIN: {},  # administrators are superusers
}

# The workflow steps of training (SPEC 三(一)–(三)), each a custom permission checked with has_perm / perms:
#   import_roster      submit rosters of trainees               form_class        open offline classes
#   record_attendance  record attendance at a session           audit_attendance  spot-check attendance
#   author_plan        draft and submit training plans          approve_plan      approve or return plans
#   apply_project      submit a project application             decide_project    take every other project step
#   manage_contract    enter and amend the service contract
_OFFICER_STEPS = {
    "training.author_plan", "training.approve_plan", "training.decide_project", "training.manage_contract",
}  # fmt: skip
GRANTS: dict[Role, set[str]] = {
    Role.PROVIDER_STAFF: {
        "training.import_roster", "training.form_class", "training.record_attendance",
        "training.author_plan", "training.apply_project",
    },
    Role.PARK_OFFICER: {"training.author_plan", "training.apply_project"},
    Role.EM_OFFICER: _OFFICER_STEPS | {"training.audit_attendance"},
    Role.HR_OFFICER: _OFFICER_STEPS | {"training.audit_attendance"},
    Role.AUDITOR: {"training.audit_attendance"},
}  # fmt: skip

# The accounts a project is assigned to, by the many-to-many field that holds them: the admin's pickers for these
# fields list only accounts of that role (training.scope.assignable_accounts), never trainees or officers.
ASSIGNEE_ROLE: dict[str, Role] = {
    "training.TrainingProject.auditors": Role.AUDITOR,
    "training.TrainingProject.experts": Role.EXPERT,
}

_PERMISSION = re.compile(r"^[a-z_]+\.[a-z_]+$")

# role → every permission granted by any app: training's own, then what each app's ready() registers.
_TABLE: dict[str, set[str]] = {role: set() for role in Role}


def register(grants: dict[Role, set[str]]) -> None:
    """Add an app's grants (full permission names, "app.codename") to the one table. Called from each app's
    AppConfig.ready() with its `<app>/roles.py` GRANTS; registering the same grants again changes nothing."""
    for role, permissions in grants.items():
        role = Role(role)
        for name in permissions:
            if not _PERMISSION.match(name):
                raise ValueError(f"permission {name!r} of role {role.value!r} is not 'app.codename'")
        _TABLE[role] |= set(permissions)


register(
    {
        role: {
            f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
            for label, actions in grants.items()
            for action in actions
        }
        for role, grants in _MODEL_GRANTS.items()
    }
)
register(GRANTS)


def role_permissions(role: str) -> frozenset[str]:
    """Every permission of `role` in the merged table (training's grants and those apps registered)."""
    return frozenset(_TABLE.get(role, ()))


def roles_with(permission: str) -> frozenset[Role]:
    """The roles granted `permission` (e.g. to list only the accounts that may audit, in a picker)."""
    return frozenset(Role(role) for role, permissions in _TABLE.items() if permission in permissions)


def role_label(user) -> str:
    """The name of the user's role as shown on pages (superusers are administrators)."""
    return Role.ADMIN.label if user.is_superuser else Role(user.role).label
