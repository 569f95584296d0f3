"""Benchmark of the fund, each figure beside the plain way measured in the same run (PostgreSQL, a database of its
own: the ledger tables are emptied first with TRUNCATE, which the append-only trigger does not cover):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hc_fund_bench .venv/bin/python bench/fund.py \
        [--trainees 100000] [--entries 100000] [--verify 1000000] [--plain 2000]

1. Claim eligibility of a project of N trainees: funding.selectors.claimability (one pass, a fixed number of
   queries per 5,000) against a per-trainee ORM loop (completion, flags, certificate and claims asked trainee by
   trainee; run on --plain trainees and extrapolated, as printed). Target ≤ 10 s for 100,000.
2. Posting N hash-chained ledger entries: ledger_post_many (chained in Python, bulk INSERT) against one save() per
   entry under the head lock (--plain entries, extrapolated). Target ≥ 2,000 entries/s.
3. verify_ledger over M entries (posted first with ledger_post_many). Target ≤ 15 s for 1,000,000.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from funding.models import Claim, LedgerEntry  # noqa: E402
from funding.selectors import claimability, verify_chain  # noqa: E402
from funding.services.ledger import ledger_post_many, ledger_post_one_by_one  # noqa: E402
from training.models import (  # noqa: E402
    Enrollment,
    Enterprise,
    EnterpriseKind,
    Provider,
    ProviderKind,
    Region,
    RegionLevel,
    Trainee,
    TrainingProject,
)
from training.selectors.completion import enrollment_progress  # noqa: E402
from training.validators import build_credit_code, build_id_number  # noqa: E402


def world(n: int):
    province, _ = Region.objects.get_or_create(
        code="370000", defaults={"name": "山东省", "level": RegionLevel.PROVINCE}
    )
    city, _ = Region.objects.get_or_create(
        code="370500", defaults={"name": "东营市", "level": RegionLevel.CITY, "parent": province}
    )
    county, _ = Region.objects.get_or_create(
        code="370502", defaults={"name": "东营区", "level": RegionLevel.COUNTY, "parent": city}
    )
    provider, _ = Provider.objects.get_or_create(
        name="基准测试培训中心",
        defaults={"credit_code": build_credit_code("370500", 7, prefix="52"), "kind": ProviderKind.INSTITUTION,
                  "region": city},
    )  # fmt: skip
    project, _ = TrainingProject.objects.get_or_create(
        code="BENCH-FUND-2024", defaults={"name": "资金基准项目", "region": city, "provider": provider, "year": 2024}
    )
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=build_credit_code("370502", 4242),
        defaults={"name": "基准化工有限公司", "region": county, "kind": EnterpriseKind.PRODUCTION},
    )
    have = Enrollment.objects.filter(project=project).count()
    if have < n:
        # Bench data in bulk (the roster import's own speed is bench/roster_import.py's subject).
        start = datetime.date(1965, 1, 1)
        trainees = [
            Trainee(
                name=f"学员{i}",
                id_number=build_id_number("370502", start + datetime.timedelta(days=i // 900), i % 900),
                personnel_class=1 + i % 3,
                enterprise=enterprise,
                post_start_date=datetime.date(2015, 1, 1),
                phone=f"139{i:08d}",
            )  # fmt: skip
            for i in range(have, n)
        ]
        Trainee.objects.bulk_create(trainees, batch_size=5000, ignore_conflicts=True)
        ids = (
            Trainee.objects.filter(enterprise=enterprise)
            .exclude(enrollments__project=project)
            .values_list("pk", flat=True)
        )
        Enrollment.objects.bulk_create(
            [Enrollment(project=project, trainee_id=t) for t in ids[: n - have]], batch_size=5000
        )
    return project, city, provider


def plain_claimability(enrollments) -> int:
    """The plain way: everything asked trainee by trainee."""
    from exams.models import Certificate
    from proctoring.models import Flag

    claimable = 0
    for e in enrollments:
        progress = enrollment_progress(e)
        flagged = Flag.objects.filter(enrollment=e, status__in=["open", "confirmed"]).exists()
        revoked = Certificate.objects.filter(enrollment=e, status="revoked").exists()
        claimed = Claim.objects.filter(trainee_id=e.trainee_id).exclude(status="rejected").exists()
        passed = getattr(e, "exam_passed_on", None) is not None
        claimable += progress.complete and passed and not (flagged or revoked or claimed)
    return claimable


def entries(n: int, city, provider, project, tag: str) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            kind="payment",
            amount_fen=100_000 + i % 997,
            idempotency_key=f"{tag}-{i}",
            region=city,
            year=2024,
            provider=provider,
            project=project,
        )  # fmt: skip
        for i in range(n)
    ]


def wipe_ledger():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE funding_ledgerentry, funding_ledgerhead RESTART IDENTITY CASCADE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--verify", type=int, default=1_000_000)
    parser.add_argument("--plain", type=int, default=2_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("note: not PostgreSQL; figures are not the issue's targets")
    call_command("migrate", verbosity=0)
    project, city, provider = world(args.trainees)

    t = time.perf_counter()
    rows = claimability(project)
    ours = time.perf_counter() - t
    sample = list(
        Enrollment.objects.filter(project=project).select_related("trainee", "project__region")[: args.plain]
    )
    t = time.perf_counter()
    plain_claimability(sample)
    plain = (time.perf_counter() - t) / max(len(sample), 1) * len(rows)
    print(f"claim eligibility, {len(rows):,} trainees: {ours:.1f} s (target ≤ 10 s); "
          f"per-trainee ORM loop: {plain:.1f} s (extrapolated from {len(sample):,}); ×{plain / ours:.0f}")  # fmt: skip

    wipe_ledger()
    batch = entries(args.entries, city, provider, project, "bulk")
    t = time.perf_counter()
    for start in range(0, len(batch), 10_000):
        ledger_post_many(batch[start : start + 10_000])
    ours = args.entries / (time.perf_counter() - t)
    slow = entries(args.plain, city, provider, project, "save")
    t = time.perf_counter()
    ledger_post_one_by_one(slow)
    plain = args.plain / (time.perf_counter() - t)
    print(f"ledger posting, {args.entries:,} chained entries: {ours:,.0f} entries/s (target ≥ 2,000); "
          f"one save() per entry: {plain:,.0f} entries/s ({args.plain:,} entries); ×{ours / plain:.1f}")  # fmt: skip

    missing = args.verify - LedgerEntry.objects.count()
    for start in range(0, max(missing, 0), 20_000):
        ledger_post_many(entries(min(20_000, missing - start), city, provider, project, f"v{start}"))
    t = time.perf_counter()
    report = verify_chain()
    took = time.perf_counter() - t
    print(f"verify_ledger, {report.count:,} entries: {took:.1f} s (target ≤ 15 s); ok={report.ok}, head {report.head}")


if __name__ == "__main__":
    main()
