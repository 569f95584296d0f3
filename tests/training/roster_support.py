"""Roster rows and files for the roster tests (issue 3 "Rosters"), built from valid identifiers."""

import csv
import datetime
import io
import itertools

from openpyxl import Workbook

from tests.factories import EnterpriseFactory, region_tree
from tests.training import builders
from training.models import PersonnelClass
from training.rosters import columns as c
from training.validators import build_id_number, build_name

_seq = itertools.count(1)
LABEL = {value: str(label) for value, label in PersonnelClass.choices}


def new_id_number() -> str:
    n = next(_seq)
    return build_id_number("370502", datetime.date(1975, 1, 1) + datetime.timedelta(days=n // 900), n % 900 + 100)


def row(enterprise, **overrides) -> dict:
    values = {
        c.NAME: build_name(next(_seq)),
        c.ID_NUMBER: new_id_number(),
        c.PERSONNEL_CLASS: LABEL[PersonnelClass.SAFETY_MANAGER],
        c.CREDIT_CODE: enterprise.credit_code,
        c.PHONE: "13912345678",
        c.POST_START_DATE: "2023-03-01",
        c.NEW_OR_TRANSFERRED: "否",
        c.OFFLINE_CLASS: "",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict], *, encoding="utf-8-sig", headers=c.COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers=c.COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class World:
    """A project in 东营市 with a class per personnel class, an enterprise inside and one outside the region."""

    def __init__(self, capacity=None):
        self.city = region_tree()[1]
        self.project = builders.project(region=self.city, code=f"DY-{next(_seq)}")
        self.enterprise = EnterpriseFactory(region=region_tree()[2])
        self.outside = EnterpriseFactory(
            region=region_tree(city=("320700", "连云港市"), county=("320703", "连云区"))[2]
        )
        self.classes = {
            pc: builders.offline_class(
                self.project, pc, code=f"{self.project.code}-{pc}", **({"capacity": capacity} if capacity else {})
            )
            for pc in PersonnelClass.values
        }

    def row(self, **overrides) -> dict:
        return row(self.enterprise, **overrides)
