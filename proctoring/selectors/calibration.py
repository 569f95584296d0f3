"""The HR page 人脸核验校准: the tolerance tried against the reviewed population in the user's scope.

A reviewed mismatch flag is a labelled pair: confirmed = two people, dismissed = the same person (the check
refused them wrongly). Passed snapshots are the same person too (as far as anyone knows), so the false-reject
rate of a tolerance t is (dismissed mismatches and passed snapshots farther than t) / (all of them), per provider
and per enterprise, to show where refusals concentrate unfairly.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from proctoring.calibration import error_rates, no_false_accept_tolerance
from proctoring.models import Flag, FlagKind, FlagStatus, Snapshot, SnapshotVerdict
from training.scope import visible

BIN_WIDTH = 0.02
BIN_FROM, BIN_TO = 0.2, 1.1


def reviewed_mismatches(user) -> tuple[list[dict], list[dict]]:
    """(confirmed: two people, dismissed: the same person) rows {distance, provider, enterprise} in scope."""
    rows = (
        visible(user, Flag.objects.filter(kind=FlagKind.FAILED_CHECK, verdict=SnapshotVerdict.MISMATCH))
        .filter(status__in=[FlagStatus.CONFIRMED, FlagStatus.DISMISSED], snapshots__distance__isnull=False)
        .values(
            "status",
            distance=F("snapshots__distance"),
            provider=F("enrollment__project__provider__name"),
            enterprise=F("enrollment__trainee__enterprise__name"),
        )
    )
    confirmed, dismissed = [], []
    for row in rows:
        (confirmed if row["status"] == FlagStatus.CONFIRMED else dismissed).append(row)
    return confirmed, dismissed


def histogram(distances: list[float]) -> list[int]:
    bins = [0] * round((BIN_TO - BIN_FROM) / BIN_WIDTH)
    for d in distances:
        i = min(len(bins) - 1, max(0, int((d - BIN_FROM) / BIN_WIDTH)))
        bins[i] += 1
    return bins


def bin_labels() -> list[str]:
    count = round((BIN_TO - BIN_FROM) / BIN_WIDTH)
    return [f"{BIN_FROM + i * BIN_WIDTH:.2f}" for i in range(count)]


def _false_rejects_by(user, field: str, dismissed: list[dict], tolerance: float, proposed: float) -> list[dict]:
    """Per provider or enterprise: genuine attempts, refusals at the tolerance in force and at the proposed one."""
    lookup = {
        "provider": "session__enrollment__project__provider__name",
        "enterprise": "session__trainee__enterprise__name",
    }
    passed = (
        visible(user, Snapshot.objects.filter(verdict=SnapshotVerdict.MATCH, distance__isnull=False))
        .values(name=F(lookup[field]))
        .annotate(
            total=Count("pk"),
            over_now=Count("pk", filter=Q(distance__gt=tolerance)),
            over_proposed=Count("pk", filter=Q(distance__gt=proposed)),
        )
    )
    table: dict[str, dict] = {}
    for row in passed:
        table[row["name"] or "—"] = {"total": row["total"], "now": row["over_now"], "proposed": row["over_proposed"]}
    for row in dismissed:
        entry = table.setdefault(row[field] or "—", {"total": 0, "now": 0, "proposed": 0})
        entry["total"] += 1
        entry["now"] += row["distance"] > tolerance
        entry["proposed"] += row["distance"] > proposed
    return sorted(
        (
            {
                "name": name,
                "attempts": e["total"],
                "rejects": e["now"],
                "rate": e["now"] / e["total"] if e["total"] else 0.0,
                "rejects_proposed": e["proposed"],
                "rate_proposed": e["proposed"] / e["total"] if e["total"] else 0.0,
            }
            for name, e in table.items()
        ),
        key=lambda r: (-r["rate"], r["name"]),
    )


def calibration(user, *, tolerance: float, proposed: float) -> dict:
    """Everything the page shows, for the tolerance in force and a proposed one."""
    confirmed, dismissed = reviewed_mismatches(user)
    two_people = [r["distance"] for r in confirmed]
    same_person = [r["distance"] for r in dismissed]
    return {
        "two_people": len(two_people),
        "same_person": len(same_person),
        "chart": {
            "labels": bin_labels(),
            "two_people": histogram(two_people),
            "same_person": histogram(same_person),
            "tolerance": tolerance,
            "proposed": proposed,
            "names": {
                "two_people": _("两个人（确认）"),
                "same_person": _("同一人（排除）"),
                "distance": _("距离"),
                "tolerance": _("当前"),
                "proposed": _("试算"),
            },
        },
        "now": error_rates(same_person, two_people, tolerance),
        "proposed": error_rates(same_person, two_people, proposed),
        # Raising the tolerance to `proposed`: dismissed flags that would not have been raised, and confirmed
        # proxies that would have passed unseen. Lowering it avoids nothing and misses nothing among these.
        "flags_avoided": sum(1 for d in same_person if tolerance < d <= proposed),
        "proxies_missed": sum(1 for d in two_people if tolerance < d <= proposed),
        "no_false_accept_tolerance": no_false_accept_tolerance(two_people),
        "by_provider": _false_rejects_by(user, "provider", dismissed, tolerance, proposed),
        "by_enterprise": _false_rejects_by(user, "enterprise", dismissed, tolerance, proposed),
    }
