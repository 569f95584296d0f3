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
# Oversight of online study: consent records, study sessions, flags and the log of who viewed which image.
# Face templates and photos have no admin permission for anyone but superusers; reviewers open images through the
# logged view only.
_STUDY_OVERSIGHT = {
    "proctoring.biometricconsent": V,
    "proctoring.studysession": V,
    "proctoring.flag": V,
    "proctoring.imageaccesslog": V,
}

# role → {"app.model": actions}
_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
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
        "proctoring.biometricconsent": V,
        "proctoring.bulkenrolmentjob": V,
    },
    Role.EM_OFFICER: {
        **_TRAINING_RECORDS,
        **_STUDY_OVERSIGHT,
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
        **_STUDY_OVERSIGHT,
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
        **_STUDY_OVERSIGHT,
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

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    role: frozenset(
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label, actions in grants.items()
        for action in actions
    )
    for role, grants in _GRANTS.items()
}


def role_permissions(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())
