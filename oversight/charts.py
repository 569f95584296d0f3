"""Chart data of the coverage dashboard (issue 11): progress against target over time, regions ranked by coverage,
pass rate by provider. Plain dicts for `json_script`, drawn by static/js/coverage_charts.js with the project's own
copy of Apache ECharts. Every figure comes from the page's scope (oversight.selectors.page_scope): a county
officer's charts hold their county only. No geographic map: ranked bars keyed by region name and code.

A few aggregate queries, never one per region: GROUP BY month and class over each trainee's first dates
(enrolled, trained, passed: oversight.models.CoverageState), and GROUP BY provider over the enrolments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from exams.models import Attempt, AttemptStatus, ExternalResult
from oversight import rules
from oversight.models import Target
from oversight.selectors import Coverage
from proctoring.models import Flag, FlagStatus
from training.models import Enrollment, EnrollmentStatus, PersonnelClass, Provider
from training.scope import visible

FIRST_MONTH = datetime.date(rules.FIRST_YEAR + 1, 1, 1)  # the program's first full year (2022)


def _month(d: datetime.date) -> str:
    return f"{d.year}-{d.month:02d}"


def _months(first: datetime.date, last: datetime.date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


FIRST_DATES = {"enrolled": "enrolled_at", "trained": "trained_on", "passed": "passed_on"}


def _by_month(states) -> dict[str, dict[tuple[int, str], int]]:
    """People per (class, month) by the month of their first enrolment, completed training and pass (each person
    counted once in each series), from one scan: GROUP BY class and the three months together."""
    months = {f"m_{key}": TruncMonth(field) for key, field in FIRST_DATES.items()}  # not named like the fields
    rows = states.annotate(**months).values("personnel_class", *months).annotate(n=Count("pk")).order_by()
    series: dict[str, dict[tuple[int, str], int]] = {key: {} for key in FIRST_DATES}
    for r in rows:
        for key in FIRST_DATES:
            if r[f"m_{key}"] is not None:
                cell = (r["personnel_class"], _month(r[f"m_{key}"]))
                series[key][cell] = series[key].get(cell, 0) + r["n"]
    return series


def _cumulative(months: list[str], counts: dict, personnel_class: int, before: int) -> list[int]:
    total, out = before, []
    for m in months:
        total += counts.get((personnel_class, m), 0)
        out.append(total)
    return out


def progress(region, states) -> dict:
    """Per personnel class: cumulative enrolled, trained and passed people by month, and the region's yearly
    targets (the cumulative number to have trained by the end of each year) placed at December of the year; a
    target of 2021 (before the first month shown) is left out."""
    series = _by_month(states)
    keys = [m for counts in series.values() for (_c, m) in counts]
    first = min([_month(FIRST_MONTH), *keys])
    last = max([f"{rules.FINAL_YEAR}-12", *keys])
    months = _months(datetime.date(int(first[:4]), int(first[5:]), 1), datetime.date(int(last[:4]), int(last[5:]), 1))
    targets = _targets(region)
    classes = []
    for value, label in PersonnelClass.choices:
        goal = targets.get(value, {})
        classes.append(
            {
                "name": str(label),
                **{key: _cumulative(months, counts, value, 0) for key, counts in series.items()},
                "target": [goal.get(int(m[:4])) if m.endswith("-12") else None for m in months],
            }
        )
    return {"months": months, "classes": classes}


def _targets(region) -> dict[int, dict[int, int]]:
    """Yearly targets per class of the region; where it set none (a province), the sum of its subregions'."""
    targets: dict[int, dict[int, int]] = {}
    if region is None:
        return targets
    own = Target.objects.filter(baseline__region=region)
    rows = own if own.exists() else Target.objects.filter(baseline__region__parent=region)
    for t in rows.select_related("baseline"):
        by_year = targets.setdefault(t.baseline.personnel_class, {})
        by_year[t.year] = by_year.get(t.year, 0) + t.people
    return targets


def _basis(row) -> tuple[int, int, bool]:
    trained = sum(c.trained for c in row.cells.values())
    baseline = sum(c.baseline or 0 for c in row.cells.values())
    if baseline:
        return trained, baseline, True
    return trained, sum(c.people for c in row.cells.values()), False


def ranking(data: Coverage) -> list[dict]:
    """The page's rows ranked by coverage: trained ÷ baseline where the row has one, else ÷ people registered."""
    out = []
    for row in data.rows:
        trained, of, against_baseline = _basis(row)
        out.append(
            {
                "label": row.label,
                "query": row.query,
                "trained": trained,
                "of": of,
                "baseline": against_baseline,
                "percent": round(trained * 100 / of, 1) if of else 0,
            }
        )
    return sorted(out, key=lambda r: (-r["percent"], r["label"]))


@dataclass
class ProviderRow:
    provider_id: int | None
    name: str
    enrolled: int
    trained: int
    sat: int
    passed: int
    flags_confirmed: int

    @property
    def percent(self) -> float | None:
        return round(self.passed * 100 / self.sat, 1) if self.sat else None


def _sat() -> Q:
    """Sat the exam: a submitted attempt, an imported unified-exam result, or a recorded pass."""
    return (
        Q(exam_passed_on__isnull=False)
        | Exists(Attempt.objects.filter(enrollment=OuterRef("pk"), status=AttemptStatus.SUBMITTED))
        | Exists(ExternalResult.objects.filter(enrollment=OuterRef("pk")))
    )


def sat_by_class(enrollments) -> dict[int, int]:
    rows = enrollments.exclude(status=EnrollmentStatus.WITHDRAWN).values("trainee__personnel_class")
    return {r["trainee__personnel_class"]: r["n"] for r in rows.annotate(n=Count("pk", filter=_sat()))}


def providers(user, enrollments) -> list[ProviderRow]:
    """Per provider of the enrolments in view: enrolled, trained, sat the exam, passed, and confirmed flags; best
    pass rate first."""
    sat = _sat()
    rows = (
        enrollments.exclude(status=EnrollmentStatus.WITHDRAWN)
        .values("project__provider_id", "project__provider__name")
        .annotate(
            enrolled=Count("pk"),
            trained=Count("pk", filter=Q(trained_on__isnull=False)),
            sat=Count("pk", filter=sat),
            passed=Count("pk", filter=Q(exam_passed_on__isnull=False)),
        )
    )
    flags = dict(
        visible(user, Flag.objects.filter(enrollment__in=enrollments.values("pk"), status=FlagStatus.CONFIRMED))
        .values("enrollment__project__provider_id")
        .annotate(n=Count("pk"))
        .values_list("enrollment__project__provider_id", "n")
    )
    out = [
        ProviderRow(
            r["project__provider_id"], r["project__provider__name"] or _("未指定培训机构"), r["enrolled"],
            r["trained"], r["sat"], r["passed"], flags.get(r["project__provider_id"], 0),
        )
        for r in rows
    ]  # fmt: skip
    return sorted(out, key=lambda p: (-(p.percent or 0), p.name))


def provider_rates(states) -> list[dict]:
    """Per provider (of each trainee's latest enrolment): trained and passed people, and passed ÷ trained — the
    share of those who completed training who also passed the exam; best first."""
    rows = list(
        states.filter(provider__isnull=False, trained=True)
        .values("provider_id")
        .annotate(n_trained=Count("pk"), n_passed=Count("pk", filter=Q(passed=True)))
        .order_by()
    )  # grouped on the index alone; the few names read after
    names = dict(Provider.objects.filter(pk__in=[r["provider_id"] for r in rows]).values_list("pk", "name"))
    out = [
        {"name": names.get(r["provider_id"], ""), "trained": r["n_trained"], "passed": r["n_passed"],
         "percent": round(r["n_passed"] * 100 / r["n_trained"], 1)}
        for r in rows
    ]  # fmt: skip
    return sorted(out, key=lambda r: (-r["percent"], r["name"]))


def enrollments_in_view(states):
    return Enrollment.objects.filter(trainee__in=states.values("trainee_id"))


def chart_data(user, data: Coverage, states) -> dict:
    """Everything the three charts draw, in the page's scope (`states`: oversight.selectors.page_scope)."""
    return {
        "progress": progress(data.region, states),
        "ranking": ranking(data),
        "providers": provider_rates(states),
        "names": {
            "enrolled": _("已纳入培训"),
            "trained": _("已完成培训"),
            "passed": _("考试合格"),
            "target": _("年度目标（累计）"),
            "percent": _("完成比例(%)"),
            "pass_rate": _("完成培训者考试合格率(%)"),
            "of_baseline": _("对照培训基数"),
            "of_registered": _("对照登记人数"),
        },
    }
