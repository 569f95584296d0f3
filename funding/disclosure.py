"""The public disclosure of fund use (SPEC 'Money': 定期向社会公开资金使用情况; 社会保险法 art. 70): per region,
provider and project per quarter, trainees trained and passed, amount paid and reversed; budget used against the
cap; removed providers; the ledger head hash of the period. No personal data: no names, ID numbers or phones."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from funding.models import LedgerEntry
from funding.rules import yuan
from funding.tallies import Filters, budget_use, tally
from training.models import Enrollment, Provider, ProviderStatus

LEVELS = {"region": "地区", "provider": "培训机构", "project": "培训项目"}
_LEDGER_KEY = {"region": ("region_id", "region__name"), "provider": ("provider_id", "provider__name"),
               "project": ("project_id", "project__code")}  # fmt: skip
_ENROLMENT_KEY = {"region": ("project__region_id", "project__region__name"),
                  "provider": ("project__provider_id", "project__provider__name"),
                  "project": ("project_id", "project__code")}  # fmt: skip


def _people(level: str, filters: Filters) -> dict:
    """(group id, year, quarter) → trained (enrolled in the quarter), passed (passed the exam in the quarter)."""
    key_id, _ = _ENROLMENT_KEY[level]
    found: dict = defaultdict(lambda: {"trained": 0, "passed": 0})
    enrolments = Enrollment.objects.all()
    if filters.region is not None:
        from training.scope import region_subtree

        enrolments = enrolments.filter(project__region__in=region_subtree(filters.region))
    trained = (
        enrolments.annotate(y=ExtractYear("created_at"), q=ExtractQuarter("created_at"))
        .values(key_id, "y", "q")
        .annotate(n=Count("pk"))
    )
    for row in trained:
        found[(row[key_id], row["y"], row["q"])]["trained"] = row["n"]
    if hasattr(Enrollment, "exam_passed_on"):  # recorded by the exams app through training's service
        passed = (
            enrolments.filter(exam_passed_on__isnull=False)
            .annotate(y=ExtractYear("exam_passed_on"), q=ExtractQuarter("exam_passed_on"))
            .values(key_id, "y", "q")
            .annotate(n=Count("pk", filter=Q(exam_passed_on__isnull=False)))
        )
        for row in passed:
            found[(row[key_id], row["y"], row["q"])]["passed"] = row["n"]
    return found


def _names(level: str) -> dict:
    from training.models import Region, TrainingProject

    if level == "region":
        return {r.pk: r.full_name for r in Region.objects.select_related("parent__parent")}
    if level == "provider":
        return dict(Provider.objects.values_list("pk", "name"))
    return dict(TrainingProject.objects.values_list("pk", "code"))


def rows(level: str, filters: Filters) -> list[dict]:
    """One row per (group, quarter): figures in fen and in yuan text."""
    money = {}
    for r in _quarterly(level, filters):
        money[(r["gid"], r["y"], r["q"])] = r
    people = _people(level, filters)
    names = _names(level)
    result = []
    for key in sorted(set(money) | set(people), key=lambda k: (k[1] or 0, k[2] or 0, names.get(k[0], ""))):
        if key[0] is None:
            continue
        m = money.get(key, {"paid_fen": 0, "reversed_fen": 0})
        p = people.get(key, {"trained": 0, "passed": 0})
        result.append(
            {
                "name": names.get(key[0], ""), "period": f"{key[1]}年第{key[2]}季度", "trained": p["trained"],
                "passed": p["passed"], "paid_fen": m["paid_fen"], "reversed_fen": m["reversed_fen"],
                "paid": yuan(m["paid_fen"]), "reversed": yuan(m["reversed_fen"]),
            }
        )  # fmt: skip
    return result


def _quarterly(level: str, filters: Filters) -> list[dict]:
    from funding.tallies import _SUMS, entries

    key_id, _ = _LEDGER_KEY[level]
    qs = entries(filters).annotate(y=ExtractYear("created_at"), q=ExtractQuarter("created_at"))
    return [{**r, "gid": r[key_id]} for r in qs.values(key_id, "y", "q").annotate(**_SUMS).order_by(key_id, "y", "q")]


def head_of_period(date_to: datetime.date | None) -> tuple[int, str]:
    """The number of ledger entries up to the end of the period and the hash of the last one: anyone can later
    check that the published figures were not rewritten (verify_ledger must reach the same hash)."""
    qs = LedgerEntry.objects.all()
    if date_to is not None:
        qs = qs.filter(created_at__date__lte=date_to)
    last = qs.order_by("-pk").values_list("hash", flat=True).first()
    return qs.count(), last or "0" * 64


def disclosure(filters: Filters) -> dict:
    count, head = head_of_period(filters.date_to)
    budgets = [
        {**b, "cap": yuan(b["cap_fen"]), "reserved": yuan(b["reserved_fen"]), "net_paid": yuan(b["net_paid_fen"])}
        for b in budget_use(filters)
    ]
    removed = Provider.objects.filter(status=ProviderStatus.REMOVED).order_by("name")
    return {
        "levels": {level: rows(level, filters) for level in LEVELS},
        "budgets": budgets,
        "removed": [{"name": p.name, "reason": p.status_reason} for p in removed],
        "entries": count,
        "head": head,
        "generated_at": timezone.now(),
        "totals": tally("region", filters),
    }
