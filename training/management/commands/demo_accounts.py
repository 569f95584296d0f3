"""Creates (idempotently) and prints one demo account per role. FOR DEMONSTRATIONS ONLY: the passwords are
fixed and printed; never run this against a production database."""

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from training.demo.organisations import DEMO_PROJECT_CODE, read_csv
from training.models import ChemicalPark, Provider, Region, Trainee, TrainingProject, User
from training.roles import Role
from training.services import people

# (role, username, password, binding kind, binding key)
STAFF_ACCOUNTS = [
    (Role.ADMIN, "admin", "Demo-2024-admin", None, None),
    (Role.EM_OFFICER, "em_shandong", "Demo-2024-em", "region", "370000"),
    (Role.EM_OFFICER, "em_dongying", "Demo-2024-em", "region", "370500"),
    (Role.HR_OFFICER, "hr_dongying", "Demo-2024-hr", "region", "370500"),
    (Role.SI_OFFICER, "si_dongying", "Demo-2024-si", "region", "370500"),
    (Role.PARK_OFFICER, "park_dongyinggang", "Demo-2024-park", "park", "东营港经济开发区"),
    (Role.PROVIDER_STAFF, "provider_dongying", "Demo-2024-provider", "provider", "东营市安全生产培训中心"),
    (Role.AUDITOR, "auditor_demo", "Demo-2024-auditor", "project", DEMO_PROJECT_CODE),
    (Role.EXPERT, "expert_demo", "Demo-2024-expert", "project", DEMO_PROJECT_CODE),
]
TRAINEE_PASSWORD = "Demo-2024-trainee"
TRAINEE_ACCOUNTS = 3
ROLE_ENGLISH = {
    Role.ADMIN: "administrator",
    Role.EM_OFFICER: "EM officer",
    Role.HR_OFFICER: "HR officer",
    Role.SI_OFFICER: "social insurance officer",
    Role.PARK_OFFICER: "chemical park officer",
    Role.PROVIDER_STAFF: "provider staff",
    Role.AUDITOR: "third-party auditor",
    Role.EXPERT: "expert",
    Role.TRAINEE: "trainee",
}


def _binding(kind, key) -> dict:
    if kind == "region":
        return {"region": Region.objects.get(code=key)}
    if kind == "park":
        return {"park": ChemicalPark.objects.get(name=key)}
    if kind == "provider":
        return {"provider": Provider.objects.get(name=key)}
    return {}


def _ensure_staff(role, username, password, kind, key) -> tuple[User, str]:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = people.staff_user_create(username=username, password=password, role=role, **_binding(kind, key))
    else:
        user.set_password(password)  # a demo account always has its printed password
        user.save(update_fields=["password"])
    if kind == "project":
        project = TrainingProject.objects.get(code=key)
        (project.auditors if role == Role.AUDITOR else project.experts).add(user)
        return user, f"项目 {key}"
    binding = _binding(kind, key)
    scope = next((str(getattr(v, "full_name", v)) for v in binding.values()), "全部 (all)")
    return user, scope


def _ensure_trainee(trainee: Trainee) -> User:
    user = User.objects.filter(username=trainee.id_number).first()
    if user is None:
        return people.trainee_account_create(trainee=trainee, password=TRAINEE_PASSWORD)
    user.set_password(TRAINEE_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "创建并打印每个角色的演示账号（仅用于演示）"

    @transaction.atomic
    def handle(self, *args, **options):
        if not TrainingProject.objects.filter(code=DEMO_PROJECT_CODE).exists():
            raise CommandError("先运行 manage.py load_demo（Run load_demo first.）")
        rows = []
        for role, username, password, kind, key in STAFF_ACCOUNTS:
            _, scope = _ensure_staff(role, username, password, kind, key)
            rows.append((role, username, password, scope))
        numbers = [row["身份证号"] for row in read_csv("enrollments.csv")[:TRAINEE_ACCOUNTS]]
        for trainee in (
            Trainee.objects.filter(id_number__in=numbers).select_related("enterprise").order_by("id_number")
        ):
            _ensure_trainee(trainee)
            rows.append((Role.TRAINEE, trainee.id_number, TRAINEE_PASSWORD, f"{trainee.name} · {trainee.enterprise}"))
        self._print(rows)

    def _print(self, rows):
        table = [("角色 (role)", "用户名 (username)", "密码 (password)", "范围 (scope)")]
        table += [(f"{Role(role).label} ({ROLE_ENGLISH[role]})", u, p, s) for role, u, p, s in rows]
        widths = [max(_width(str(row[i])) for row in table) for i in range(4)]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
        self.stdout.write("演示账号（仅用于演示，密码固定，切勿用于生产环境） / Demo accounts (demo only)")
        self.stdout.write(line)
        for n, row in enumerate(table):
            self.stdout.write("| " + " | ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)) + " |")
            if n == 0:
                self.stdout.write(line)
        self.stdout.write(line)
