"""Writing rosters and the `import_roster` command (issue 3 "Rosters")."""

import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.training import builders
from tests.training.roster_support import LABEL, World, csv_bytes, xlsx_bytes
from training.models import Enrollment, PersonnelClass, Trainee
from training.rosters import columns as c
from training.rosters.reading import read_roster
from training.rosters.service import roster_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_roster", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as e:
        code, err = e.returncode, io.StringIO(f"{err.getvalue()}{e}")
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, rows, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    return path


def test_import_creates_trainees_enrols_them_and_marks_priority(world):
    code = world.classes[PersonnelClass.TEAM_LEADER].code
    rows = [
        world.row(**{c.NEW_OR_TRANSFERRED: "是"}),
        world.row(**{c.PERSONNEL_CLASS: "班组长", c.OFFLINE_CLASS: code}),
    ]
    result = roster_import(project=world.project, frame=read_roster(csv_bytes(rows)))
    assert (result.written, result.created, result.enrolled, result.priority) == (True, 2, 2, 1)
    first = Trainee.objects.get(id_number=rows[0][c.ID_NUMBER])
    assert first.new_or_transferred and first.enterprise == world.enterprise
    assert first.personnel_class == PersonnelClass.SAFETY_MANAGER
    second = Enrollment.objects.get(trainee__id_number=rows[1][c.ID_NUMBER])
    assert second.project == world.project and second.offline_class.code == code


def test_reimport_updates_by_id_number_and_moves_class(world):
    rows = [world.row()]
    roster_import(project=world.project, frame=read_roster(csv_bytes(rows)))
    code = world.classes[PersonnelClass.SAFETY_MANAGER].code
    rows[0].update({c.PHONE: "13800000000", c.OFFLINE_CLASS: code})
    result = roster_import(project=world.project, frame=read_roster(csv_bytes(rows)))
    assert (result.created, result.updated, result.enrolled, result.moved) == (0, 1, 0, 1)
    trainee = Trainee.objects.get(id_number=rows[0][c.ID_NUMBER])
    assert trainee.phone == "13800000000"
    assert trainee.enrollments.get().offline_class.code == code


def test_all_or_nothing_by_default(world):
    rows = [world.row(), world.row(**{c.PHONE: "1"})]
    result = roster_import(project=world.project, frame=read_roster(csv_bytes(rows)))
    assert not result.written and not Trainee.objects.filter(id_number=rows[0][c.ID_NUMBER]).exists()
    result = roster_import(project=world.project, frame=read_roster(csv_bytes(rows)), skip_invalid=True)
    assert result.written and result.created == 1


def test_command_reports_bad_rows_by_spreadsheet_row_and_writes_nothing(world, tmp_path):
    rows = [world.row() for _ in range(5)]
    rows[5 - 1][c.ID_NUMBER] = "110105194912310021"  # row 6 of the sheet
    path = write(tmp_path, rows)
    code, out, err = run(path, "--project", world.project.code)
    assert code == 1
    assert out.splitlines()[0] == "row 6: 身份证号: 校验位错误（应为X）"
    assert "1行有误，未写入任何数据" in err
    assert not Trainee.objects.filter(id_number__in=[r[c.ID_NUMBER] for r in rows]).exists()


def test_command_skip_invalid_writes_the_good_rows(world, tmp_path):
    rows = [world.row(), world.row(**{c.NEW_OR_TRANSFERRED: "是"}), world.row(**{c.PHONE: "1"})]
    code, out, _ = run(write(tmp_path, rows, "r.xlsx"), "--project", world.project.code, "--skip-invalid")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("row 4: 手机号")
    assert "created=2 updated=0 enrolled=2 priority=1 invalid=1" in lines[-1]
    assert Enrollment.objects.filter(project=world.project).count() == 2


def test_command_dry_run_writes_nothing(world, tmp_path):
    code, out, _ = run(write(tmp_path, [world.row()]), "--project", world.project.code, "--dry-run")
    assert code == 0 and out.startswith("dry run: ")
    assert "created=1 updated=0 enrolled=1 priority=0 invalid=0" in out  # what a real run would do
    assert not Enrollment.objects.filter(project=world.project).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "error: 文件为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "error: 文件不是表格"),
        ("姓名,人员类别,企业统一社会信用代码,岗位起始日期,新入职或转岗\n".encode(), "error: 缺少列：身份证号, 手机号"),
    ],
)
def test_command_file_errors_are_one_line_exit_2(world, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run(path, "--project", world.project.code)
    assert code == 2 and message.removeprefix("error: ") in err


def test_command_unknown_project(world, tmp_path):
    code, _, err = run(write(tmp_path, [world.row()]), "--project", "NOPE")
    assert code == 2 and "未知项目编号：NOPE" in err


def test_command_line_prints_one_error_line_and_no_traceback(world, tmp_path):
    """The real shell door: `error: …` on stderr, exit status 2."""
    path = tmp_path / "bad.csv"
    path.write_bytes("姓名\n张三\n".encode())
    done = subprocess.run(
        [sys.executable, "manage.py", "import_roster", str(path), "--project", "X"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "Traceback" not in done.stderr


def test_capacity_counted_with_the_file_and_written_rows_fit(world, tmp_path):
    offline_class = builders.offline_class(world.project, code="CAP-3", capacity=3)
    rows = [world.row(**{c.OFFLINE_CLASS: "CAP-3"}) for _ in range(4)]
    code, out, _ = run(write(tmp_path, rows), "--project", world.project.code, "--skip-invalid")
    assert out.splitlines()[0] == "row 5: 班级编号: 班级人数超过上限：上限 3 人，已有 3 人，再加入 1 人将达 4 人"
    assert offline_class.enrollments.count() == 3
    assert LABEL  # labels shared with the other roster tests
