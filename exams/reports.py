"""Pass rates by provider, personnel class, region and topic, in the viewer's scope, and their xlsx export."""

from __future__ import annotations

import io
from collections import defaultdict

import xlsxwriter

from exams.models import Attempt, AttemptEvent, AttemptStatus, EventKind, ExternalResult
from exams.tables import safe_cell
from training.models import PersonnelClass
from training.scope import visible

DIMENSIONS = {"provider": "培训机构", "class": "人员类别", "region": "地区", "topic": "知识点"}


def _outcomes(user) -> dict[int, dict]:
    """Per enrolment: its group labels and whether any attempt or imported result passed."""
    people: dict[int, dict] = {}
    attempts = visible(user, Attempt.objects.filter(status=AttemptStatus.SUBMITTED)).values_list(
        "enrollment_id",
        "passed",
        "enrollment__project__provider__name",
        "enrollment__trainee__personnel_class",
        "enrollment__project__region__name",
    )
    externals = visible(user, ExternalResult.objects.all()).values_list(
        "enrollment_id",
        "passed",
        "enrollment__project__provider__name",
        "enrollment__trainee__personnel_class",
        "enrollment__project__region__name",
    )
    for enrollment_id, passed, provider, pc, region in [*attempts, *externals]:
        row = people.setdefault(
            enrollment_id,
            {"provider": provider, "class": str(PersonnelClass(pc).label), "region": region, "passed": False},
        )
        row["passed"] = row["passed"] or bool(passed)
    return people


def pass_rates(user, by: str) -> list[dict]:
    if by == "topic":
        return _topic_rates(user)
    by = by if by in DIMENSIONS else "provider"
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in _outcomes(user).values():
        cell = groups[row[by]]
        cell[0] += 1
        cell[1] += int(row["passed"])
    return [
        {"label": label, "sat": sat, "passed": passed, "percent": round(passed * 100 / sat, 1)}
        for label, (sat, passed) in sorted(groups.items())
    ]


def _topic_rates(user) -> list[dict]:
    """Share of the points of each topic that candidates scored (from the sealed submissions)."""
    attempts = visible(user, Attempt.objects.filter(status=AttemptStatus.SUBMITTED)).values("pk")
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for data in AttemptEvent.objects.filter(attempt__in=attempts, kind=EventKind.SUBMIT).values_list(
        "data", flat=True
    ):
        for topic, (got, of) in data.get("by_topic", {}).items():
            sums[topic][0] += got
            sums[topic][1] += of
    return [
        {"label": t, "sat": of, "passed": got, "percent": round(got * 100 / of, 1) if of else 0}
        for t, (got, of) in sorted(sums.items())
    ]


def pass_rates_xlsx(user) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    for key, title in DIMENSIONS.items():
        sheet = book.add_worksheet(title)
        head = [
            title,
            "考生数" if key != "topic" else "总分值",
            "合格人数" if key != "topic" else "得分",
            "合格率(%)" if key != "topic" else "得分率(%)",
        ]
        sheet.write_row(0, 0, head)
        for i, row in enumerate(pass_rates(user, key), start=1):
            sheet.write_row(i, 0, [safe_cell(row["label"]), row["sat"], row["passed"], row["percent"]])
    book.close()
    return out.getvalue()
