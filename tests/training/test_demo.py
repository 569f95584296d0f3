"""The demo data: real division codes, valid identifiers, idempotent loading, one account per role."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from oversight import demo_history
from training.demo.organisations import read_csv
from training.models import (
    ChemicalPark,
    Enrollment,
    Enterprise,
    EnterpriseKind,
    PersonnelClass,
    Provider,
    ProviderKind,
    Region,
    Teacher,
    Trainee,
    TrainingProject,
    User,
)
from training.roles import Role
from training.validators import credit_code_error, id_number_error

pytestmark = pytest.mark.django_db

MODELS = [Region, ChemicalPark, Enterprise, Provider, Teacher, Trainee, TrainingProject, Enrollment]


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_is_idempotent():
    first = _load()
    counts = _counts()
    assert "学员: 304（新建 304）" in first
    second = _load()
    assert _counts() == counts
    assert "学员: 304（新建 0）" in second
    assert counts["Region"] == 18 and counts["ChemicalPark"] == 3 and counts["Enterprise"] == 30
    # trainees.csv holds 304; the oversight demo adds the staff of its earlier Dongying cohorts (2022-2024)
    assert counts["Provider"] == 3 and counts["Trainee"] == 304 + demo_history.EXTRA
    project = TrainingProject.objects.get(code="DEMO-DONGYING-2024")
    assert Enrollment.objects.filter(project=project).count() == 100


def test_focus_regions_have_their_real_codes_and_a_park_each():
    _load()
    names = dict(Region.objects.values_list("code", "name"))
    assert names["370500"] == "东营市" and names["370503"] == "河口区"
    assert names["320700"] == "连云港市" and names["320703"] == "连云区"
    assert names["640181"] == "灵武市" and names["640000"] == "宁夏回族自治区"
    parks = dict(ChemicalPark.objects.values_list("name", "region__code"))
    assert parks == {"东营港经济开发区": "370503", "连云港石化产业基地": "320703", "宁东能源化工基地": "640181"}
    for region in Region.objects.filter(level=3):
        assert region.code[:4] == region.parent.code[:4]


def test_demo_identifiers_are_valid_and_varied():
    _load()
    assert all(credit_code_error(c) is None for c in Enterprise.objects.values_list("credit_code", flat=True))
    assert all(credit_code_error(c) is None for c in Provider.objects.values_list("credit_code", flat=True))
    for number, county in Trainee.objects.values_list("id_number", "enterprise__region__code"):
        assert id_number_error(number) is None
        assert number[:6] == county
    assert set(Enterprise.objects.values_list("kind", flat=True)) == set(EnterpriseKind.values)
    assert set(Provider.objects.values_list("kind", flat=True)) == set(ProviderKind.values)
    assert set(Trainee.objects.values_list("personnel_class", flat=True)) == set(PersonnelClass.values)
    assert 0 < Enterprise.objects.filter(major_hazard=True).count() < 30
    assert Enterprise.objects.filter(park__isnull=False).values("park").distinct().count() == 3
    assert 0 < Trainee.objects.filter(new_or_transferred=True).count() < 304


def test_demo_project_enrols_dongying_trainees():
    _load()
    project = TrainingProject.objects.get(code="DEMO-DONGYING-2024")
    assert (project.region.code, project.year, project.status) == ("370500", 2024, "in_progress")
    assert project.provider.name == "东营市安全生产培训中心"
    regions = set(project.enrollments.values_list("trainee__enterprise__region__parent__code", flat=True))
    assert regions == {"370500"}
    assert project.enrollments.count() == len(read_csv("enrollments.csv")) == 100


def test_demo_accounts_one_per_role_printed_and_working():
    _load()
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    call_command("demo_accounts", stdout=io.StringIO())  # idempotent
    printed = out.getvalue()
    roles = dict(User.objects.values_list("role").annotate(n=Count("pk")).order_by())
    assert set(roles) == set(Role.values)
    assert roles[Role.TRAINEE] == 3 and roles[Role.EM_OFFICER] == 2
    for username, password in [("em_dongying", "Demo-2024-em"), ("auditor_demo", "Demo-2024-auditor")]:
        assert username in printed and password in printed
        assert User.objects.get(username=username).check_password(password)
    project = TrainingProject.objects.get(code="DEMO-DONGYING-2024")
    assert project.auditors.filter(username="auditor_demo").exists()
    assert project.experts.filter(username="expert_demo").exists()
    trainee_user = User.objects.filter(role=Role.TRAINEE).first()
    assert trainee_user.username == trainee_user.trainee.id_number
    assert trainee_user.trainee.enrollments.filter(project=project).exists()
    response = Client().post(reverse("login"), {"username": trainee_user.username, "password": "Demo-2024-trainee"})
    assert response.status_code == 302
    for label in ["应急管理部门 (EM officer)", "化工园区 (chemical park officer)", "学员 (trainee)", "山东省东营市"]:
        assert label in printed


def test_load_demo_is_one_transaction(monkeypatch):
    from training import demo

    def broken_step(log):
        raise RuntimeError("step failed")

    monkeypatch.setattr(demo, "STEPS", [*demo.STEPS, broken_step])
    with pytest.raises(RuntimeError, match="step failed"):
        _load()
    assert Region.objects.count() == 0 and Trainee.objects.count() == 0
