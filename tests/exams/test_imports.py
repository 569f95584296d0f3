"""import_questions, import_exam_results and exam_candidates: all or nothing, row-numbered reasons, exit codes."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from exams.models import Certificate, Question
from tests.exams import support

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "fixtures" / "exams" / "questions-bad.csv"
DEMO = ROOT / "fixtures" / "demo" / "questions.csv"


def _run(*args):
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as e:
        return e.returncode, out.getvalue(), str(e)
    return 0, out.getvalue(), ""


def test_demo_bank_imports_150_questions_across_topics_and_classes():
    code, out, _ = _run("import_questions", str(DEMO))
    assert code == 0 and out.strip().startswith("导入试题 ")
    assert Question.objects.count() >= 150
    versions = [q.current for q in Question.objects.select_related("current")]
    topics = {v.topic for v in versions}
    assert {"法律法规", "工伤预防基础", "危险化工工艺安全", "重大危险源管理", "应急处置", "职业健康"} <= topics
    assert all(any(str(pc) in v.classes for v in versions) for pc in (1, 2, 3))


def test_bad_rows_give_reasons_and_nothing_is_written():
    code, out, err = _run("import_questions", str(BAD))
    assert code == 1 and err == "9行有误，未写入任何试题"
    assert out.splitlines() == [
        "row 3: 答案: 答案“C”指向空选项 C",
        "row 4: 答案: 单选题只能有一个答案（现为“AB”）",
        "row 5: 选项A: 判断题不能有选项",
        "row 6: 选项A: 至少需要2个选项（现有1个）；答案: 多选题至少有两个答案（现为“A”）",
        "row 7: 题干: 与本文件前面的行重复（同一人员类别：班组长）",
        "row 8: 题型: 未知题型“填空”（应为单选、多选或判断）",
        "row 9: 难度: 未知难度“很难”（应为易、中或难）",
        "row 10: 适用人员类别: 未知类别“车间工人”（应为全部，或安全生产分管负责人、专职安全管理人员、班组长）",
        "row 11: 题干: 与本文件前面的行重复（同一人员类别：安全生产分管负责人）",
    ]
    assert Question.objects.count() == 0


def test_xlsx_gives_the_same_errors_as_csv(tmp_path):
    import csv

    book = Workbook()
    for row in csv.reader(BAD.open(encoding="utf-8")):
        book.active.append(row)
    path = tmp_path / "bad.xlsx"
    book.save(path)
    assert _run("import_questions", str(path))[:2] == _run("import_questions", str(BAD))[:2]


def test_unusable_file_is_one_error_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("姓名,电话\n张三,1\n", encoding="utf-8")
    code, _, err = _run("import_questions", str(path))
    assert code == 2 and err.startswith("缺少列：题型, 题干")


def _results(tmp_path, rows):
    path = tmp_path / "results.csv"
    lines = ["身份证号,姓名,考试日期,成绩,是否合格,考点"] + [",".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_import_exam_results_refuses_each_bad_row(tmp_path):
    course = support.Course()
    good = course.enrol()
    incomplete = course.enrol(complete=False)
    today = timezone.localdate()
    t = good.trainee
    rows = [
        ("110101199003070000", "无名", today, 90, "是", "东营考点"),
        (t.id_number, "别人", today, 90, "是", "东营考点"),
        (incomplete.trainee.id_number, incomplete.trainee.name, today, 90, "是", "东营考点"),
        (t.id_number, t.name, today + datetime.timedelta(days=1), 90, "是", "东营考点"),
        (t.id_number, t.name, "2001-01-01", 90, "是", "东营考点"),
        (t.id_number, t.name, today, 101, "是", "东营考点"),
        (t.id_number, t.name, today, 79, "是", "东营考点"),
    ]
    code, out, err = _run("import_exam_results", _results(tmp_path, rows))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 7, out
    assert lines[0].startswith("row 2: 身份证号: 未找到该人员")
    assert lines[1].startswith("row 3: 姓名: 与身份证号登记的姓名不符")
    assert lines[2].startswith("row 4: 身份证号: 培训未完成：总学时 0/24")
    assert (
        lines[3]
        == f"row 5: 考试日期: {today + datetime.timedelta(days=1):%Y-%m-%d} 晚于今天；身份证号: 与本文件前面的行重复"
    )
    assert lines[4].startswith("row 6: 考试日期: 2001-01-01 早于培训开始")
    assert lines[5].startswith("row 7: 成绩: “101”不在0–100之间")
    assert lines[6].startswith("row 8: 是否合格: 成绩79分按合格线80分应为“不合格”")
    assert not Certificate.objects.exists()


def test_imported_pass_marks_the_enrolment_passed_and_issues_a_certificate(tmp_path):
    course = support.Course()
    good = course.enrol()
    t = good.trainee
    code, out, _ = _run(
        "import_exam_results", _results(tmp_path, [(t.id_number, t.name, timezone.localdate(), 86, "是", "东营考点")])
    )
    assert code == 0 and out.strip() == "导入成绩 1 条，其中合格发证 1 人"
    good.refresh_from_db()
    assert good.exam_passed_on == timezone.localdate() and good.exam_score == 86
    assert Certificate.objects.get(enrollment=good).score == 86


def test_exam_candidates_masks_the_table_and_writes_full_ids_in_csv():
    course = support.Course()
    ready = course.enrol()
    course.enrol(complete=False)
    code, out, _ = _run("exam_candidates", "--project", course.project.code)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "身份证号\t姓名\t人员类别\t是否具备考试资格\t原因"
    assert ready.trainee.id_number not in out and ready.trainee.id_number[:6] + "********" in out
    assert lines[-1] == "共 2 人，具备考试资格 1 人"
    code, out, _ = _run("exam_candidates", "--project", course.project.code, "--format", "csv")
    assert ready.trainee.id_number in out
    row = [line for line in out.splitlines() if ready.trainee.id_number in line][0]
    assert row.endswith(",是,")
    assert "否,培训未完成：" in out
