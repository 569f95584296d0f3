"""Demo step 1: regions, chemical parks, enterprises, providers, teachers, trainees, the demo project and its roster.

Every row goes through the services (full_clean: ID numbers, credit codes, phones, constraints); existing rows
are found by their natural key (code, name, credit_code, id_number) and left alone, so loading is idempotent.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import translation

from training.models import (
    ChemicalPark,
    Enrollment,
    Enterprise,
    EnterpriseKind,
    PersonnelClass,
    ProjectStatus,
    Provider,
    ProviderKind,
    Region,
    RegionLevel,
    Teacher,
    Trainee,
    TrainingProject,
)
from training.services import organisations, people
from training.services.enrollments import enrollment_create
from training.services.projects import project_create

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PROJECT_CODE = "DEMO-DONGYING-2024"
YES = {"是", "1", "true", "True", "TRUE"}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DEMO_DIR / name, encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _by_label(choices) -> dict[str, object]:
    # The CSV files are written with the Chinese labels (the msgids), whatever language is active.
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices}


class _Counter:
    def __init__(self, log: Callable[[str], None], what: str):
        self.log, self.what, self.total, self.created = log, what, 0, 0

    def add(self, created: bool):
        self.total += 1
        self.created += created

    def report(self):
        self.log(f"  {self.what}: {self.total}（新建 {self.created}）")


def load(log: Callable[[str], None] = print) -> None:
    regions = _load_regions(log)
    parks = _load_parks(log, regions)
    enterprises = _load_enterprises(log, regions, parks)
    providers = _load_providers(log, regions)
    _load_teachers(log, providers)
    trainees = _load_trainees(log, enterprises)
    projects = _load_projects(log, regions, providers)
    _load_enrollments(log, projects, trainees)


def _load_regions(log) -> dict[str, Region]:
    levels = _by_label(RegionLevel.choices)
    counter, regions = _Counter(log, "行政区划"), {}
    for row in read_csv("regions.csv"):  # parents come first in the file
        code = row["行政区划代码"]
        region = Region.objects.filter(code=code).first()
        counter.add(region is None)
        regions[code] = region or organisations.region_create(
            code=code, name=row["名称"], level=levels[row["级别"]], parent=regions.get(row["上级代码"])
        )
    counter.report()
    return regions


def _load_parks(log, regions) -> dict[str, ChemicalPark]:
    counter, parks = _Counter(log, "化工园区"), {}
    for row in read_csv("parks.csv"):
        park = ChemicalPark.objects.filter(name=row["园区名称"]).first()
        counter.add(park is None)
        parks[row["园区名称"]] = park or organisations.park_create(
            name=row["园区名称"], region=regions[row["所在地区代码"]]
        )
    counter.report()
    return parks


def _load_enterprises(log, regions, parks) -> dict[str, Enterprise]:
    kinds = _by_label(EnterpriseKind.choices)
    counter, enterprises = _Counter(log, "企业"), {}
    for row in read_csv("enterprises.csv"):
        code = row["统一社会信用代码"]
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        counter.add(enterprise is None)
        enterprises[code] = enterprise or organisations.enterprise_create(
            credit_code=code,
            name=row["企业名称"],
            region=regions[row["区县代码"]],
            park=parks.get(row["化工园区"]),
            kind=kinds[row["企业类型"]],
            major_hazard=row["构成重大危险源"] in YES,
        )
    counter.report()
    return enterprises


def _load_providers(log, regions) -> dict[str, Provider]:
    kinds = _by_label(ProviderKind.choices)
    counter, providers = _Counter(log, "培训机构"), {}
    for row in read_csv("providers.csv"):
        provider = Provider.objects.filter(credit_code=row["统一社会信用代码"]).first()
        counter.add(provider is None)
        providers[row["机构名称"]] = provider or organisations.provider_create(
            name=row["机构名称"],
            credit_code=row["统一社会信用代码"],
            kind=kinds[row["机构类型"]],
            region=regions[row["注册地区代码"]],
        )
    counter.report()
    return providers


def _load_teachers(log, providers) -> None:
    counter = _Counter(log, "培训教师")
    for row in read_csv("teachers.csv"):
        exists = Teacher.objects.filter(id_number=row["身份证号"]).exists()
        counter.add(not exists)
        if not exists:
            organisations.teacher_create(
                provider=providers[row["培训机构"]],
                name=row["姓名"],
                id_number=row["身份证号"],
                phone=row["手机号"],
                title=row["职称/资质"],
            )
    counter.report()


def _load_trainees(log, enterprises) -> dict[str, Trainee]:
    classes = _by_label(PersonnelClass.choices)
    existing = {t.id_number: t for t in Trainee.objects.all()}
    counter, trainees = _Counter(log, "学员"), {}
    for row in read_csv("trainees.csv"):
        number = row["身份证号"]
        trainee = existing.get(number)
        counter.add(trainee is None)
        trainees[number] = trainee or people.trainee_create(
            name=row["姓名"],
            id_number=number,
            personnel_class=classes[row["人员类别"]],
            enterprise=enterprises[row["企业统一社会信用代码"]],
            post_start_date=datetime.date.fromisoformat(row["岗位起始日期"]),
            phone=row["手机号"],
            new_or_transferred=row["新入职或转岗"] in YES,
        )
    counter.report()
    return trainees


def _project_create(*, code, name, region, provider, year, status) -> TrainingProject:
    project = project_create(code=code, name=name, region=region, provider=provider, year=year)
    if project.status != status:
        # The demo project starts mid-workflow (its application, review and contract steps are not part of
        # the demo data), so its status is set as loaded rather than walked through project_transition.
        TrainingProject.objects.filter(pk=project.pk).update(status=status)
        project.status = status
    return project


def _load_projects(log, regions, providers) -> dict[str, TrainingProject]:
    statuses = _by_label(ProjectStatus.choices)
    counter, projects = _Counter(log, "培训项目"), {}
    for row in read_csv("projects.csv"):
        project = TrainingProject.objects.filter(code=row["项目编号"]).first()
        counter.add(project is None)
        projects[row["项目编号"]] = project or _project_create(
            code=row["项目编号"],
            name=row["项目名称"],
            region=regions[row["项目地区代码"]],
            provider=providers[row["实施培训机构"]],
            year=int(row["年度"]),
            status=statuses[row["状态"]],
        )
    counter.report()
    return projects


def _load_enrollments(log, projects, trainees) -> None:
    existing = set(Enrollment.objects.values_list("project__code", "trainee__id_number"))
    counter = _Counter(log, "项目学员")
    for row in read_csv("enrollments.csv"):
        key = (row["项目编号"], row["身份证号"])
        counter.add(key not in existing)
        if key not in existing:
            enrollment_create(project=projects[key[0]], trainee=trainees[key[1]])
    counter.report()
