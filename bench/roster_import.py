"""Benchmark: roster import through the project's path vs a plain django-import-export ModelResource.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hc_rosters_bench .venv/bin/python bench/roster_import.py \
        [--rows 100000] [--plain-rows 5000]

Generates N valid rows (valid ID numbers and credit codes from training.validators.build_*; enterprises are
created first inside the project's region; 20 % of rows name an offline class), writes them as csv and xlsx, and
times, end to end (read the file, check every row with all checks on, write in one transaction):
  - the project's path: read_roster + roster_import (the same call as the command, the web task and the admin);
  - a plain `ModelResource` on Trainee with default options, importing the same people (model field names as
    headers, no checks beyond what save() does, no enrolment), on --plain-rows rows (it is slow: rows/s is
    extrapolated from that many rows, and the output says so).
Prints rows/s for both and the ratio, for csv and xlsx, and peak memory (ru_maxrss; tracemalloc peak of the
project's csv run with --tracemalloc, which slows that run down). The database is wiped of trainees before each
run: use a database of its own.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from import_export import resources  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from tablib import Dataset  # noqa: E402

from training.models import (  # noqa: E402
    Enrollment,
    Enterprise,
    EnterpriseKind,
    OfflineClass,
    PersonnelClass,
    Provider,
    ProviderKind,
    Region,
    RegionLevel,
    Trainee,
    TrainingProject,
)
from training.rosters import columns as c  # noqa: E402
from training.rosters.reading import read_roster  # noqa: E402
from training.rosters.service import roster_import  # noqa: E402
from training.validators import build_credit_code, build_id_number, build_name  # noqa: E402

COUNTIES = ["370502", "370503", "370505", "370522", "370523"]
LABEL = {value: str(label) for value, label in PersonnelClass.choices}
CAPACITY = {PersonnelClass.DEPUTY_HEAD: 40, PersonnelClass.SAFETY_MANAGER: 80, PersonnelClass.TEAM_LEADER: 80}


class PlainTraineeResource(resources.ModelResource):
    """What django-import-export does out of the box: default options, field names as headers."""

    class Meta:
        model = Trainee


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def setup_world(n_rows: int):
    province, _ = Region.objects.get_or_create(
        code="370000", defaults={"name": "山东省", "level": RegionLevel.PROVINCE}
    )
    city, _ = Region.objects.get_or_create(
        code="370500", defaults={"name": "东营市", "level": RegionLevel.CITY, "parent": province}
    )
    for i, code in enumerate(COUNTIES):
        Region.objects.get_or_create(
            code=code, defaults={"name": f"县{i}", "level": RegionLevel.COUNTY, "parent": city}
        )
    counties = list(Region.objects.filter(code__in=COUNTIES))
    provider, _ = Provider.objects.get_or_create(
        name="基准测试培训中心",
        defaults={
            "credit_code": build_credit_code("370500", 1, prefix="52"),
            "kind": ProviderKind.INSTITUTION,
            "region": city,
        },
    )
    project, _ = TrainingProject.objects.get_or_create(
        code="BENCH-2024", defaults={"name": "基准测试项目", "region": city, "provider": provider, "year": 2024}
    )
    if not Enterprise.objects.filter(credit_code__startswith="91370").exists():
        Enterprise.objects.bulk_create(
            Enterprise(
                credit_code=build_credit_code(counties[i % len(counties)].code, 1000 + i),
                name=f"基准化工有限公司{i}",
                region=counties[i % len(counties)],
                kind=EnterpriseKind.PRODUCTION,
            )
            for i in range(500)
        )
    enterprises = list(Enterprise.objects.filter(region__in=counties).values_list("credit_code", "pk"))
    # Enough classes for the 20 % of rows that name one.
    existing = set(OfflineClass.objects.filter(project=project).values_list("code", flat=True))
    new = []
    for pc in PersonnelClass.values:
        for k in range(n_rows // 5 // 3 // CAPACITY[pc] + 2):
            code = f"BENCH-{pc}-{k:04d}"
            if code not in existing:
                new.append(OfflineClass(code=code, project=project, personnel_class=pc, capacity=CAPACITY[pc]))
    OfflineClass.objects.bulk_create(new)
    return project, enterprises


def generate_rows(n: int, enterprises):
    """n valid, distinct people. Every fifth row names a class; classes are filled in order, never past capacity."""
    rows, used = [], {pc: [0, 0] for pc in PersonnelClass.values}  # class index, seats taken
    start = datetime.date(1965, 1, 1)
    for i in range(n):
        pc = PersonnelClass.values[i % 3]
        birth = start + datetime.timedelta(days=i // 50)
        credit_code, enterprise_id = enterprises[i % len(enterprises)]
        class_code = ""
        if i % 5 == 0:
            k, taken = used[pc]
            if taken == CAPACITY[pc]:
                k, taken = k + 1, 0
            used[pc] = [k, taken + 1]
            class_code = f"BENCH-{pc}-{k:04d}"
        rows.append(
            {
                c.NAME: build_name(i),
                c.ID_NUMBER: build_id_number(COUNTIES[i % 5], birth, 100 + (i % 50) * 17),
                c.PERSONNEL_CLASS: LABEL[pc],
                c.CREDIT_CODE: credit_code,
                c.PHONE: f"139{i:08d}",
                c.POST_START_DATE: (datetime.date(2015, 1, 1) + datetime.timedelta(days=i % 3000)).isoformat(),
                c.NEW_OR_TRANSFERRED: "是" if i % 7 == 0 else "否",
                c.OFFLINE_CLASS: class_code,
                "_pc": pc,
                "_enterprise": enterprise_id,
            }
        )
    return rows


PLAIN_FIELDS = ["name", "id_number", "personnel_class", "enterprise", "phone", "post_start_date", "new_or_transferred"]


def plain_values(row):
    return [
        row[c.NAME],
        row[c.ID_NUMBER],
        row["_pc"],
        row["_enterprise"],
        row[c.PHONE],
        row[c.POST_START_DATE],
        1 if row[c.NEW_OR_TRANSFERRED] == "是" else 0,
    ]


def write_files(rows, directory: Path, plain_rows: int):
    headers = list(c.COLUMNS)
    paths = {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([r[h] for h in headers] for r in rows)
    paths["csv"] = directory / "roster.csv"
    paths["csv"].write_bytes(out.getvalue().encode("utf-8-sig"))
    for name, table_headers, values in [
        ("xlsx", headers, ([r[h] for h in headers] for r in rows)),
        ("plain.xlsx", PLAIN_FIELDS, (plain_values(r) for r in rows[:plain_rows])),
    ]:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("花名册")
        sheet.append(table_headers)
        for line in values:
            sheet.append(line)
        paths[name] = directory / f"roster.{name}"
        book.save(paths[name])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PLAIN_FIELDS)
    writer.writerows(plain_values(r) for r in rows[:plain_rows])
    paths["plain.csv"] = directory / "roster.plain.csv"
    paths["plain.csv"].write_text(out.getvalue(), encoding="utf-8")
    return paths


def wipe():
    Enrollment.objects.all()._raw_delete(connection.alias)
    Trainee.objects.all()._raw_delete(connection.alias)


def run_project(project, path: Path, trace: bool) -> tuple[float, object, float | None]:
    wipe()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = roster_import(project=project, frame=read_roster(path))
    elapsed = time.perf_counter() - started
    traced = None
    if trace:
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert result.written and result.check.invalid_count == 0, result.check.error_lines()[:5]
    return elapsed, result, traced


def run_plain(path: Path, fmt: str) -> tuple[float, int]:
    wipe()
    started = time.perf_counter()
    if fmt == "csv":
        dataset = Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    else:
        dataset = Dataset().load(path.read_bytes(), format="xlsx")
    result = PlainTraineeResource().import_data(dataset, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    return elapsed, len(dataset)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--plain-rows", type=int, default=5_000, help="rows for the plain resource (it is slow)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations of the csv run")
    args = parser.parse_args()
    vendor = connection.vendor
    print(f"database: {vendor} {connection.settings_dict['NAME']}; rows: {args.rows}; plain rows: {args.plain_rows}")
    if vendor != "postgresql":
        print("note: the figures that count are PostgreSQL's (set DATABASE_URL=postgres://...)")
    call_command("migrate", verbosity=0)
    project, enterprises = setup_world(args.rows)
    rows = generate_rows(args.rows, enterprises)
    plain_rows = min(args.plain_rows, args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(rows, Path(tmp), plain_rows)
        del rows
        print(f"baseline peak RSS {peak_mb():.0f} MB (Django, generated rows, files written)")
        figures = {}
        for fmt in ("csv", "xlsx"):
            elapsed, result, traced = run_project(project, paths[fmt], args.tracemalloc and fmt == "csv")
            rate = args.rows / elapsed
            mem = f"peak RSS so far {peak_mb():.0f} MB" + (f", tracemalloc peak {traced:.0f} MB" if traced else "")
            print(
                f"project  {fmt:4s}: {args.rows} rows in {elapsed:6.2f} s = {rate:8.0f} rows/s "
                f"(created {result.created}, enrolled {result.enrolled}, priority {result.priority}); {mem}"
            )
            figures[fmt] = rate
        for fmt in ("csv", "xlsx"):
            elapsed, n = run_plain(paths[f"plain.{fmt}"], fmt)
            rate = n / elapsed
            extrapolated = " (extrapolated to the full file)" if n < args.rows else ""
            print(
                f"plain    {fmt:4s}: {n} rows in {elapsed:6.2f} s = {rate:8.0f} rows/s; "
                f"{args.rows} rows would take {args.rows / rate:6.0f} s{extrapolated}"
            )
            print(f"ratio    {fmt:4s}: project path is {figures[fmt] / rate:5.1f}x the plain ModelResource")
    print(f"peak RSS of the whole run: {peak_mb():.0f} MB")
    wipe()


if __name__ == "__main__":
    main()
