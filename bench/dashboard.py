"""Benchmark of the coverage dashboard (issue 11), each figure beside the plain way measured in the same run
(PostgreSQL, a database of its own: the bench's rows are added once and kept for the next run; the coverage state
triggers are switched off during the COPY and the state rebuilt in one statement, oversight/state.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hc_dash_bench nice -n 5 .venv/bin/python bench/dashboard.py \
        [--trainees 1000000] [--enterprises 50000] [--runs 20]

Generates (COPY, in one transaction per table) N trainees in M enterprises across the three focus regions of the
demo's regions.csv — Dongying 370500, Lianyungang 320700, Lingwu 640181 — and their counties, some in the chemical
parks, with enrolments (≈85 %), completed training (the stored Enrollment.trained_on, ≈60 % of the enrolled, dated
2022–2024) and exam passes (≈85 % of the trained). Then times, as an EM officer of each province:

1. the province page /coverage/ (data and rendering, through the Django test client: selectors, the charts' data,
   the template), and the data alone (oversight.selectors.coverage + oversight.charts.chart_data);
2. the county drill-down /coverage/?region=COUNTY likewise;
3. the naive way for the same figures: an ORM loop asking each subregion (or park) and each class for its counts.

Prints p50 / p95 of each and the ratio naive ÷ ours. Target: p95 ≤ 1 s per page.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import statistics
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
from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from exams.models import Certificate, CertificateStatus  # noqa: E402
from oversight import charts, selectors, state  # noqa: E402
from training.models import (  # noqa: E402
    ChemicalPark,
    Enrollment,
    Enterprise,
    PersonnelClass,
    Provider,
    ProviderKind,
    Region,
    RegionLevel,
    Trainee,
    TrainingProject,
    User,
)
from training.roles import Role  # noqa: E402
from training.scope import region_subtree  # noqa: E402
from training.services.people import staff_user_create  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
CITIES = {"370500": 0.45, "320700": 0.35, "640100": 0.20}  # share of the enterprises per city (Lingwu in 640100)
PROVINCES = ["370000", "320000", "640000"]
CLASS_WEIGHTS = [(PersonnelClass.DEPUTY_HEAD, 1), (PersonnelClass.SAFETY_MANAGER, 2), (PersonnelClass.TEAM_LEADER, 5)]
LEVELS = {"省级": RegionLevel.PROVINCE, "市级": RegionLevel.CITY, "县级": RegionLevel.COUNTY}


def regions() -> dict[str, Region]:
    by_code = {r.code: r for r in Region.objects.all()}
    with open(FIXTURES / "regions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["行政区划代码"]
            if code not in by_code:
                by_code[code] = Region.objects.create(
                    code=code, name=row["名称"], level=LEVELS[row["级别"]], parent=by_code.get(row["上级代码"])
                )
    return by_code


def parks(by_code) -> dict[str, ChemicalPark]:
    out = {}
    with open(FIXTURES / "parks.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            park, _ = ChemicalPark.objects.get_or_create(
                name=row["园区名称"], defaults={"region": by_code[row["所在地区代码"]]}
            )
            out[row["所在地区代码"]] = park
    return out


def _copy(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def generate(n_trainees: int, n_enterprises: int, seed: int = 11) -> None:
    if Trainee.objects.filter(id_number__startswith="B").count() >= n_trainees:
        print(f"data: {n_trainees:,} bench trainees already there")
        return
    rng = random.Random(seed)
    started = time.perf_counter()
    by_code = regions()
    park_of = parks(by_code)
    counties = {
        c: [r for r in by_code.values() if r.level == RegionLevel.COUNTY and r.parent.code == c] for c in CITIES
    }
    projects = {}
    for city_code in CITIES:
        city = by_code[city_code]
        provider, _ = Provider.objects.get_or_create(
            name=f"{city.name}基准培训中心",
            defaults={
                "credit_code": f"52B{city_code}000000000"[:18],
                "kind": ProviderKind.INSTITUTION,
                "region": city,
            },
        )
        projects[city_code], _ = TrainingProject.objects.get_or_create(
            code=f"BENCH-DASH-{city_code}",
            defaults={"name": f"{city.name}基准项目", "region": city, "provider": provider, "year": 2023},
        )
    with transaction.atomic():
        state.triggers(False)  # a bulk load: the state is rebuilt in one statement at the end, as the triggers would
        first = (Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        plan = []  # (enterprise id, city code)
        rows = []
        for i in range(n_enterprises):
            city_code = rng.choices(list(CITIES), weights=list(CITIES.values()))[0]
            county = rng.choice(counties[city_code])
            park = park_of.get(county.code) if rng.random() < 0.5 else None
            rows.append((first + i, f"B{i:017d}", f"基准化工企业{i}", "production", rng.random() < 0.3,
                         park.pk if park else None, county.pk))  # fmt: skip
            plan.append((first + i, city_code))
        _copy(
            "training_enterprise", ["id", "credit_code", "name", "kind", "major_hazard", "park_id", "region_id"], rows
        )
        print(f"data: {n_enterprises:,} enterprises in {time.perf_counter() - started:.0f} s")
        first_trainee = (Trainee.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        now = timezone.now()
        trainees, enrollments = [], []
        classes = [c for c, w in CLASS_WEIGHTS for _ in range(w)]
        day0 = datetime.date(2022, 1, 1)
        for i in range(n_trainees):
            tid = first_trainee + i
            enterprise_id, city_code = plan[i % n_enterprises]
            trainees.append((tid, f"学员{i}", f"B{i:017d}", rng.choice(classes), datetime.date(2015, 1, 1),
                             rng.random() < 0.1, f"139{i % 10**8:08d}", now, enterprise_id))  # fmt: skip
            if rng.random() < 0.85:
                enrolled = day0 + datetime.timedelta(days=rng.randrange(0, 1000))
                trained = enrolled + datetime.timedelta(days=rng.randrange(20, 120)) if rng.random() < 0.6 else None
                passed = trained + datetime.timedelta(days=14) if trained and rng.random() < 0.85 else None
                created = timezone.make_aware(datetime.datetime.combine(enrolled, datetime.time(9)))
                enrollments.append((tid, projects[city_code].pk, "active", created, passed, 85 if passed else None,
                                    bool(passed), trained))  # fmt: skip
        columns = ["id", "name", "id_number", "personnel_class", "post_start_date", "new_or_transferred", "phone",
                   "created_at", "enterprise_id"]  # fmt: skip
        _copy("training_trainee", columns, trainees)
        print(f"data: {n_trainees:,} trainees in {time.perf_counter() - started:.0f} s")
        _copy("training_enrollment", ["trainee_id", "project_id", "status", "created_at", "exam_passed_on",
                                      "exam_score", "retraining_fee_reduced", "trained_on"], enrollments)  # fmt: skip
        print(f"data: {len(enrollments):,} enrolments in {time.perf_counter() - started:.0f} s")
        state.triggers(True)
        state.coverage_state_rebuild()
        print(f"data: coverage state of every trainee rebuilt in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        for table in ("training_enterprise", "training_trainee", "training_enrollment", "oversight_coveragestate"):
            if table.startswith("training_"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                cursor.execute(f"SELECT setval({sequence}, (SELECT MAX(id) FROM {table}))")
            cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would: statistics and the visibility map
    print(f"data: generated in {time.perf_counter() - started:.0f} s")


def officer(code: str) -> User:
    username = f"bench_em_{code}"
    return User.objects.filter(username=username).first() or staff_user_create(
        username=username, password="Bench-2024-em", role=Role.EM_OFFICER, region=Region.objects.get(code=code)
    )


def naive(user, region: Region) -> dict:
    """The plain way: for each subregion (or, for a county, each park and the rest) and each class, one ORM count
    per figure — the per-region loop the selectors replace."""
    trained = Exists(Enrollment.objects.filter(trainee=OuterRef("pk"), trained_on__isnull=False))
    passed = Exists(Enrollment.objects.filter(trainee=OuterRef("pk"), exam_passed_on__isnull=False))
    enrolled = Exists(Enrollment.objects.filter(trainee=OuterRef("pk"), status__in=["active", "completed"]))
    certified = Exists(Certificate.objects.filter(trainee=OuterRef("pk"), status=CertificateStatus.VALID))
    if region.level == RegionLevel.COUNTY:
        groups = [{"enterprise__park": p} for p in ChemicalPark.objects.filter(region=region)]
        groups.append({"enterprise__region": region, "enterprise__park__isnull": True})
    else:
        groups = [{"enterprise__region__in": region_subtree(c)} for c in Region.objects.filter(parent=region)]
    out = {}
    for index, lookup in enumerate(groups):
        for personnel_class in PersonnelClass.values:
            qs = Trainee.objects.filter(personnel_class=personnel_class, **lookup)
            out[(index, personnel_class)] = (
                qs.count(), qs.filter(enrolled).count(), qs.filter(trained).count(), qs.filter(passed).count(),
                qs.filter(certified).count(),
            )  # fmt: skip
    return out


def ours(user, region_code: str | None) -> None:
    data = selectors.coverage(user, region_code=region_code)
    _r, _p, trainees = selectors.page_scope(user, region_code=region_code)
    charts.chart_data(user, data, trainees)


def timed(fn, runs: int) -> list[float]:
    fn()  # warm (plans, caches)
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def p(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(label: str, values: list[float], baseline: list[float] | None = None) -> None:
    line = f"{label:<44} p50 {p(values, 50) * 1000:7.0f} ms   p95 {p(values, 95) * 1000:7.0f} ms"
    if baseline:
        line += f"   naive ÷ ours ×{p(baseline, 50) / p(values, 50):.1f} (p50)"
    print(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("note: not PostgreSQL; figures are not the issue's targets")
    call_command("migrate", verbosity=0)
    generate(args.trainees, args.enterprises)
    setup_test_environment()
    total = Trainee.objects.count()
    print(f"database: {total:,} trainees, {Enrollment.objects.count():,} enrolments, "
          f"{Enrollment.objects.filter(trained_on__isnull=False).count():,} trained")  # fmt: skip
    pages = {"province": [], "county": []}
    data = {"province": [], "county": []}
    plain = {"province": [], "county": []}
    runs = max(1, args.runs // len(PROVINCES))
    for code in PROVINCES:
        user = officer(code)
        client = Client()
        client.force_login(user)
        province = Region.objects.get(code=code)
        county = Region.objects.filter(parent__parent=province).order_by("code").first()
        for kind, query, region in (("province", "", province), ("county", f"?region={county.code}", county)):

            def page(query=query, client=client):
                response = client.get(f"/coverage/{query}")
                assert response.status_code == 200, response.status_code

            pages[kind] += timed(page, runs)
            data[kind] += timed(lambda q=query, r=region, u=user: ours(u, r.code if q else None), runs)
            plain[kind] += timed(lambda r=region, u=user: naive(u, r), max(1, runs // 2))
    print(f"{runs} runs per province (3 provinces), after one warm-up; naive loop {max(1, runs // 2)} runs each")
    for kind in ("province", "county"):
        report(f"{kind} page /coverage/ (data + rendering)", pages[kind])
        report(f"{kind} data (selectors + chart data)", data[kind], plain[kind])
        report(f"{kind} naive per-region ORM loop (data only)", plain[kind])
    worst = max(p(pages["province"], 95), p(pages["county"], 95))
    print(f"target p95 ≤ 1 s per page: {'met' if worst <= 1 else 'NOT met'} (worst p95 {worst:.2f} s)")


if __name__ == "__main__":
    main()
