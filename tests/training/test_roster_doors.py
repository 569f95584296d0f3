"""One validation path, three doors (issue 3 "Rosters"): the same bad file gives the same errors through the
`import_roster` command, the web upload and the admin's import-export screen. The files are fixtures/rosters/."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import ProviderFactory, region_tree, staff_user
from training.models import EnterpriseKind, PersonnelClass, RosterImport, Trainee
from training.roles import Role
from training.services.classes import offline_class_create
from training.services.organisations import enterprise_create
from training.services.projects import project_create

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "rosters"
# What fixtures/rosters/bad.* must give, by spreadsheet row (the first data row is row 2, and it is good).
EXPECTED_START = {
    3: "身份证号: 校验位错误",
    4: "人员类别: 未知类别“车间主任”",
    5: "企业统一社会信用代码: 企业不在本项目地区（山东省东营市）内",
    6: "手机号: 应为11位手机号码",
    7: "岗位起始日期: 2099-01-01晚于今天",
    8: "身份证号: 与第2行重复",
    9: "班级编号: 班级DY-2024-1-01的人员类别与学员的人员类别不符",
    10: "姓名: 不能为空；岗位起始日期: “2022-13-01”不是有效日期（格式如2023-03-01）；"
    "新入职或转岗: 应填“是”或“否”，实为“也许”；班级编号: 本项目（DEMO-DONGYING-2024）没有班级“DY-2099-9-99”",
}


@pytest.fixture
def project():
    """The demo's project (DEMO-DONGYING-2024 in 东营市) with its three empty classes and its enterprises."""
    city = region_tree(county=("370503", "河口区"))[1]
    outside = region_tree(province=("320000", "江苏省"), city=("320700", "连云港市"), county=("320703", "连云区"))[2]
    enterprise_create(
        credit_code="913705030000103720",
        name="东营海瑞石化有限公司",
        region=city.children.get(code="370503"),
        kind=EnterpriseKind.PRODUCTION,
    )
    enterprise_create(
        credit_code="913207030000148165", name="连云港港晟新材料有限公司", region=outside, kind=EnterpriseKind.USING
    )
    project = project_create(
        code="DEMO-DONGYING-2024",
        name="东营市2024年培训项目",
        region=city,
        year=2024,
        provider=ProviderFactory(region=city),
    )
    for pc in PersonnelClass.values:
        offline_class_create(project=project, personnel_class=pc, code=f"DY-2024-{pc}-01")
    return project


def by_command(path) -> dict[int, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_roster", str(path), "--project", "DEMO-DONGYING-2024", stdout=out)
    assert error.value.returncode == 1
    lines = [line for line in out.getvalue().splitlines() if line.startswith("row ")]
    return {int(line.split(":", 1)[0].removeprefix("row ")): line.split(": ", 1)[1] for line in lines}


def by_web(client, project, path) -> dict[int, str]:
    client.force_login(staff_user(Role.PROVIDER_STAFF, provider=project.provider))
    with path.open("rb") as file:
        client.post(reverse("roster-list"), {"project": project.pk, "file": file})
    upload = RosterImport.objects.latest("pk")
    return {e["row"]: e["reason"] for e in upload.preview["errors"]}


def by_admin(client, project, path) -> dict[int, str]:
    client.force_login(staff_user(Role.ADMIN))
    with path.open("rb") as file:
        response = client.post(
            reverse("admin:training_rosterimport_import"),
            {"project": project.pk, "import_file": file, "format": 1 if path.suffix == ".xlsx" else 0, "resource": 0},
        )
    assert response.context is not None, (response.status_code, response.get("Location"), response.content[:3000])
    result = response.context["result"]
    assert not result.has_errors(), [e.error for row in result.row_errors() for e in row[1]]
    return {row.number + 1: "；".join(row.error.messages) for row in result.invalid_rows}


@pytest.mark.parametrize("name", ["bad.csv", "bad.xlsx"])
def test_the_same_bad_file_gives_the_same_errors_through_every_door(client, project, name):
    path = FIXTURES / name
    command, web, admin_ = by_command(path), by_web(client, project, path), by_admin(client, project, path)
    assert command == web == admin_
    assert sorted(command) == sorted(EXPECTED_START)
    for row, start in EXPECTED_START.items():
        assert command[row].startswith(start), (row, command[row])
    assert not Trainee.objects.filter(name__in=["孙丽", "周强"]).exists()  # nothing written anywhere


@pytest.mark.parametrize("name", ["good.csv", "good-gbk.csv", "good.xlsx"])
def test_good_files_import_through_the_command(project, name):
    out = io.StringIO()
    call_command("import_roster", str(FIXTURES / name), "--project", project.code, stdout=out)
    assert "created=6 updated=0 enrolled=6 priority=3 invalid=0" in out.getvalue()
    assert project.offline_classes.get(code="DY-2024-3-01").enrollments.count() == 2


@pytest.mark.parametrize("name", ["good.csv", "good-gbk.csv"])
def test_good_file_through_the_admin_screen_with_confirmation(client, project, name):
    client.force_login(staff_user(Role.ADMIN))
    with (FIXTURES / name).open("rb") as file:
        response = client.post(
            reverse("admin:training_rosterimport_import"),
            {"project": project.pk, "import_file": file, "format": 0, "resource": 0},
        )
    assert not response.context["result"].has_validation_errors()
    confirm = response.context["confirm_form"]
    data = {**confirm.initial, "resource": 0}
    response = client.post(reverse("admin:training_rosterimport_process_import"), data)
    assert response.status_code == 302
    assert project.enrollments.count() == 6
    assert project.offline_classes.get(code="DY-2024-1-01").enrollments.count() == 1


def test_missing_columns_and_non_rosters_are_one_line_through_the_command(project):
    for name, message in [("missing-columns.csv", "缺少列：身份证号, 手机号"), ("not-a-roster.txt", "缺少列：姓名")]:
        with pytest.raises(CommandError) as error:
            call_command("import_roster", str(FIXTURES / name), "--project", project.code, stdout=io.StringIO())
        assert error.value.returncode == 2 and message in str(error.value)
