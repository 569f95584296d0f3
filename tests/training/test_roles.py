"""Who may do what lives in one table (training/roles.py + each app's GRANTS), checked with has_perm / perms."""

import re
from pathlib import Path

import pytest

from tests.factories import region_tree, staff_user
from training.roles import Role, register, role_permissions, roles_with

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Where role names may still be spelled out: the table itself, the scope rules (which rows a binding sees), the
# User model and the service that creates accounts, and the demo accounts.
ALLOWED = {
    "training/roles.py",
    "training/scope.py",
    "training/models/people.py",
    "training/services/people.py",
    "training/management/commands/demo_accounts.py",
    "oversight/demo.py",  # creates the demo's EM officer when demo_accounts has not run yet, like training/demo/
}
ALLOWED_DIRS = ("training/demo/", "training/migrations/", "proctoring/migrations/", "exams/migrations/")
ROLE_VALUES = "|".join(re.escape(r.value) for r in Role)
PY_PATTERNS = [
    re.compile(r"\.role\s*(==|!=|\bin\b|\bnot\s+in\b)"),  # user.role == ..., user.role in {...}
    re.compile(r"\b[A-Z_]*_ROLES\b"),  # role sets outside the table
    re.compile(r"\bRole\.(" + "|".join(r.name for r in Role) + r")\b"),  # Role members named in code
    re.compile(rf"""\brole\s*(==|!=)\s*["']({ROLE_VALUES})["']"""),
]
TEMPLATE_PATTERNS = [re.compile(r"\.role\b"), re.compile(r"\brole\s*==")]
APPS = ("training", "proctoring", "exams", "funding", "oversight", "config")


def _offences() -> list[str]:
    found = []
    files = [p for app in APPS if (ROOT / app).is_dir() for p in (ROOT / app).rglob("*.py")]
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        # each app's own <app>/roles.py is its row of the table
        if rel in ALLOWED or rel.startswith(ALLOWED_DIRS) or rel.endswith("/roles.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in PY_PATTERNS):
                found.append(f"{rel}:{n}: {line.strip()}")
    for path in (ROOT / "templates").rglob("*.html"):
        rel = path.relative_to(ROOT).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in TEMPLATE_PATTERNS):
                found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_no_role_checks_outside_the_table():
    offences = _offences()
    assert offences == [], "role checked by name outside training/roles.py; use has_perm / perms:\n" + "\n".join(
        offences
    )


def test_the_grep_catches_what_it_is_meant_to():
    samples = ['if user.role == "provider":', "if user.role in OFFICER_ROLES:", "x = Role.HR_OFFICER"]
    assert all(any(p.search(s) for p in PY_PATTERNS) for s in samples)
    assert any(p.search('{% if user.role == "em" %}') for p in TEMPLATE_PATTERNS)


def test_each_app_registers_its_grants_into_the_one_table():
    from proctoring.roles import GRANTS as PROCTORING

    assert PROCTORING[Role.AUDITOR] <= role_permissions(Role.AUDITOR)
    assert "proctoring.review_flag" in role_permissions(Role.HR_OFFICER)
    assert "proctoring.bulk_enrol_faces" in role_permissions(Role.PROVIDER_STAFF)
    assert "proctoring.review_flag" not in role_permissions(Role.PROVIDER_STAFF)
    assert roles_with("training.approve_plan") == {Role.HR_OFFICER, Role.EM_OFFICER}


def test_register_refuses_a_name_that_is_not_app_dot_codename():
    with pytest.raises(ValueError, match="'review' of role 'hr' is not 'app.codename'"):
        register({Role.HR_OFFICER: {"review"}})


# The agreed permission names, and who holds each (a change here is a change of policy, made on purpose).
AGREED = {
    "training.import_roster": {Role.PROVIDER_STAFF},
    "training.form_class": {Role.PROVIDER_STAFF},
    "training.record_attendance": {Role.PROVIDER_STAFF},
    "training.audit_attendance": {Role.AUDITOR, Role.EM_OFFICER, Role.HR_OFFICER},
    "training.author_plan": {Role.PROVIDER_STAFF, Role.PARK_OFFICER, Role.EM_OFFICER, Role.HR_OFFICER},
    "training.approve_plan": {Role.EM_OFFICER, Role.HR_OFFICER},
    "training.apply_project": {Role.PROVIDER_STAFF, Role.PARK_OFFICER},
    "training.decide_project": {Role.EM_OFFICER, Role.HR_OFFICER},
    "training.manage_contract": {Role.EM_OFFICER, Role.HR_OFFICER},
    "proctoring.review_flag": {Role.AUDITOR, Role.EM_OFFICER, Role.HR_OFFICER},
    "proctoring.view_biometric_image": {Role.AUDITOR, Role.EM_OFFICER, Role.HR_OFFICER},
    "proctoring.bulk_enrol_faces": {Role.PROVIDER_STAFF},
    "proctoring.review_template": {Role.AUDITOR, Role.EM_OFFICER, Role.HR_OFFICER},
    "proctoring.view_face_data_count": {Role.AUDITOR, Role.EM_OFFICER, Role.HR_OFFICER},
}


@pytest.mark.parametrize("permission", sorted(AGREED))
def test_agreed_permissions_and_their_holders(permission):
    assert roles_with(permission) == AGREED[permission]


def test_every_permission_the_code_asks_for_is_granted_to_someone():
    asked = set()
    sources = [p for app in APPS if (ROOT / app).is_dir() for p in (ROOT / app).rglob("*.py")]
    for path in sources:
        asked |= set(re.findall(r"""has_perms?\(\s*["']([a-z_]+\.[a-z_]+)["']""", path.read_text(encoding="utf-8")))
    for path in (ROOT / "templates").rglob("*.html"):
        asked |= {".".join(m) for m in re.findall(r"perms\.([a-z_]+)\.([a-z_]+)", path.read_text(encoding="utf-8"))}
    granted = set().union(*(role_permissions(role) for role in Role))
    assert asked and asked - granted == set()


def test_has_perm_and_perms_in_templates_follow_the_table(client):
    hr = staff_user(Role.HR_OFFICER, region=region_tree()[1])
    assert hr.has_perm("training.approve_plan") and hr.has_perm("proctoring.review_flag")
    assert not hr.has_perm("training.import_roster")
    client.force_login(hr)
    page = client.get("/").content.decode()
    assert "学习异常审核" in page and "花名册导入" not in page
