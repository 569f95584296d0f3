"""Unified exam results imported from the national platform or a local exam site (SPEC 三(三)).

All or nothing, row-numbered errors like the other imports. Refused: an unknown person or a name that does not
match the ID number; training not complete (training's completion selector); a date in the future or before the
training began; a score outside 0–100; 是否合格 contradicting the pass mark in force on the exam date.
A pass has the same effect as a pass online: the enrolment is passed and a certificate issued.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from exams import rules
from exams.models import ExternalResult
from exams.selectors import exam_rules_in_force
from exams.services.certificates import certificate_issue
from exams.tables import ROW, read_table
from training.models import CreditedHours, Enrollment, EnrollmentStatus, Trainee
from training.selectors.completion import progress_for_enrollments

COLUMNS = ("身份证号", "姓名", "考试日期", "成绩", "是否合格", "考点")
YES, NO = "是", "否"


def read_results(source):
    return read_table(source, columns=COLUMNS, required=COLUMNS)


def parse_date(value: str) -> datetime.date | None:
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00:00)?", value.strip())
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


@dataclass
class ResultRow:
    enrollment: Enrollment
    exam_date: datetime.date
    score: int
    passed: bool
    site: str


@dataclass
class ResultCheck:
    rows: dict[int, ResultRow] = field(default_factory=dict)
    errors: dict[int, list[str]] = field(default_factory=dict)

    @property
    def invalid_count(self) -> int:
        return len(self.errors)

    def error_lines(self) -> list[str]:
        return [f"row {row}: {'；'.join(reasons)}" for row, reasons in sorted(self.errors.items())]


def _enrollments(id_numbers) -> dict[str, Enrollment]:
    """The enrolment each person's result belongs to: the active one, else the latest."""
    found: dict[str, Enrollment] = {}
    qs = (
        Enrollment.objects.filter(trainee__id_number__in=id_numbers)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .select_related("trainee", "project__region")
        .order_by("created_at")
    )
    for e in qs:
        if e.trainee.id_number not in found or e.status == EnrollmentStatus.ACTIVE:
            found[e.trainee.id_number] = e
    return found


def _row_errors(row, trainee, enrollment, progress, started, today) -> tuple[list[str], ResultRow | None]:
    errors = []
    if trainee is None:
        return [f"身份证号: 未找到该人员（{rules.mask_id_number(row['身份证号'])}）"], None
    if trainee.name != row["姓名"]:
        errors.append(f"姓名: 与身份证号登记的姓名不符（登记为{rules.mask_name(trainee.name)}）")
    if enrollment is None:
        return [*errors, "身份证号: 该学员不在任何培训项目中"], None
    if not progress.complete:
        errors.append("身份证号: 培训未完成：" + "；".join(progress.reasons))
    exam_date = parse_date(row["考试日期"])
    if exam_date is None:
        errors.append(f"考试日期: 无法识别“{row['考试日期']}”（应为 2024-06-01）")
    elif exam_date > today:
        errors.append(f"考试日期: {exam_date:%Y-%m-%d} 晚于今天")
    elif started and exam_date < started:
        errors.append(f"考试日期: {exam_date:%Y-%m-%d} 早于培训开始（{started:%Y-%m-%d}）")
    score = None
    if not re.fullmatch(r"\d{1,3}(\.0+)?", row["成绩"]) or not 0 <= int(float(row["成绩"])) <= 100:
        errors.append(f"成绩: “{row['成绩']}”不在0–100之间")
    else:
        score = int(float(row["成绩"]))
    if row["是否合格"] not in (YES, NO):
        errors.append(f"是否合格: 应为“是”或“否”（现为“{row['是否合格']}”）")
    elif score is not None and exam_date is not None and not errors:
        pass_mark = exam_rules_in_force(enrollment.project.region, exam_date).pass_mark
        error = rules.pass_flag_error(score=score, passed=row["是否合格"] == YES, pass_mark=pass_mark)
        if error:
            errors.append(f"是否合格: {error}")
    if not row["考点"]:
        errors.append("考点: 不能为空")
    if errors:
        return errors, None
    return [], ResultRow(enrollment, exam_date, score, row["是否合格"] == YES, row["考点"])


def results_check(frame) -> ResultCheck:
    check = ResultCheck()
    records = frame.to_dict("records")
    ids = {r["身份证号"].upper() for r in records}
    trainees = {t.id_number: t for t in Trainee.objects.filter(id_number__in=ids)}
    enrollments = _enrollments(ids)
    progress = {p.enrollment.pk: p for p in progress_for_enrollments(list(enrollments.values()))}
    started = dict(
        CreditedHours.objects.filter(enrollment__in=list(enrollments.values()))
        .values("enrollment_id")
        .annotate(first=Min("created_at"))
        .values_list("enrollment_id", "first")
    )
    today = timezone.localdate()
    seen = set()
    for row in records:
        id_number = row["身份证号"].upper()
        enrollment = enrollments.get(id_number)
        first = started.get(enrollment.pk) if enrollment else None
        errors, value = _row_errors(
            row,
            trainees.get(id_number),
            enrollment,
            progress.get(enrollment.pk) if enrollment else None,
            timezone.localtime(first).date() if first else None,
            today,
        )
        if id_number in seen:
            errors.append("身份证号: 与本文件前面的行重复")
        seen.add(id_number)
        if errors:
            check.errors[row[ROW]] = errors
        else:
            check.rows[row[ROW]] = value
    return check


@dataclass
class ResultImport:
    check: ResultCheck
    imported: int = 0
    passed: int = 0


@transaction.atomic
def results_import(frame, *, user=None, dry_run: bool = False) -> ResultImport:
    check = results_check(frame)
    result = ResultImport(check)
    if check.invalid_count or dry_run:
        return result
    for row in check.rows.values():
        external = ExternalResult.objects.create(
            enrollment=row.enrollment,
            exam_date=row.exam_date,
            score=row.score,
            passed=row.passed,
            site=row.site,
            imported_by=user,
        )
        result.imported += 1
        if row.passed:
            certificate_issue(enrollment=row.enrollment, score=row.score, on=row.exam_date, external_result=external)
            result.passed += 1
    return result
