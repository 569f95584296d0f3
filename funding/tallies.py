"""Totals of the fund from the ledger, per provider, project, region (with its subtree) and period. They are sums
of ledger rows, so they reconcile to the ledger to the fen (tests/funding/test_tally_property.py). Pages, the
`fund_tally` command and the public disclosure all read these functions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear

from funding.models import Budget, EntryKind, LedgerEntry
from training.scope import region_subtree

GROUPS = {
    "provider": ("provider_id", "provider__name"),
    "project": ("project_id", "project__code"),
    "region": ("region_id", "region__name"),
    "quarter": ("y", "q"),
}
REVERSING = [EntryKind.REVERSAL, EntryKind.CLAWBACK]


@dataclass
class Filters:
    region: object = None
    provider_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def entries(filters: Filters):
    qs = LedgerEntry.objects.all()
    if filters.region is not None:
        qs = qs.filter(region__in=region_subtree(filters.region))
    if filters.provider_id is not None:
        qs = qs.filter(provider_id=filters.provider_id)
    if filters.date_from is not None:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs


_SUMS = dict(
    reserved_fen=Sum("amount_fen", filter=Q(kind=EntryKind.RESERVATION), default=0),
    paid_fen=Sum("amount_fen", filter=Q(kind=EntryKind.PAYMENT), default=0),
    reversed_fen=Sum("amount_fen", filter=Q(kind__in=REVERSING), default=0),
    clawed_back_fen=Sum("amount_fen", filter=Q(kind=EntryKind.CLAWBACK), default=0),
)


def _net(row: dict) -> dict:
    row["net_paid_fen"] = row["paid_fen"] - row["reversed_fen"]
    return row


def totals(filters: Filters) -> dict:
    return _net(entries(filters).aggregate(**_SUMS))


def tally(group_by: str, filters: Filters) -> list[dict]:
    """One row per group: reserved, paid, reversed (reversals + claw-backs), of which clawed back, net paid."""
    fields = GROUPS[group_by]
    qs = entries(filters)
    if group_by == "quarter":
        qs = qs.annotate(y=ExtractYear("created_at"), q=ExtractQuarter("created_at"))
    rows = qs.values(*fields).annotate(**_SUMS).order_by(*fields)
    return [_net(dict(r)) for r in rows]


def budget_use(filters: Filters) -> list[dict]:
    """Budget per pooling area and year: the cap, reserved by contracts, and paid net of reversals."""
    budgets = Budget.objects.select_related("region").order_by("region__code", "year")
    if filters.region is not None:
        budgets = budgets.filter(region__in=region_subtree(filters.region))
    paid = {
        r["budget_id"]: r
        for r in entries(Filters(region=filters.region)).values("budget_id").annotate(**_SUMS).order_by("budget_id")
    }
    rows = []
    for b in budgets:
        p = paid.get(b.pk, {"paid_fen": 0, "reversed_fen": 0})
        rows.append(
            {
                "region": b.region.full_name, "region_code": b.region.code, "year": b.year, "cap_fen": b.cap_fen,
                "share_bp": b.share_bp, "reserved_fen": b.reserved_fen,
                "net_paid_fen": p["paid_fen"] - p["reversed_fen"],
                "used_percent": round(100 * b.reserved_fen / b.cap_fen, 1) if b.cap_fen else 0,
            }
        )  # fmt: skip
    return rows
