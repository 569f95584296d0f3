"""THE validation path of a roster (issue 3 "Rosters"): a whole batch checked column by column.

Every door (web upload, Celery task, admin import-export, `import_roster`) calls `check_roster`. It runs each
per-value rule once per distinct value (training/rosters/checks.py, training/validators.py, training.rules) and
looks up the database once per kind of lookup (enterprises, trainees, enrolments, classes; on PostgreSQL the
values go as one array parameter, on SQLite in chunks of LOOKUP_CHUNK under its parameter limit), never per row.

Rows are checked in file order as if each were enrolled in turn: a class's capacity counts the rows of the same
file before it (the verdict enrollment_create gives when the rows are enrolled one by one).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from training.models import Enrollment, EnrollmentStatus, Enterprise, OfflineClass, Trainee
from training.rosters import checks
from training.rosters import columns as c
from training.rosters.copy import any_of
from training.rosters.reading import ROW
from training.rules import active_project_error, class_capacity_error, class_personnel_error
from training.scope import region_subtree
from training.services.enrollments import contract_of, contract_scale_reason, enrolled_by_personnel_class
from training.validators import (
    credit_code_error,
    id_number_error,
    normalize_credit_code,
    normalize_id_number,
    normalize_name,
    normalize_phone,
    phone_error,
)

LOOKUP_CHUNK = 5000


@dataclass
class RosterCheck:
    """The verdict on every row: `frame` holds the cleaned values, `errors` maps a row index to its reasons."""

    frame: pd.DataFrame
    errors: dict[int, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.frame)

    @property
    def invalid_count(self) -> int:
        return len(self.errors)

    @property
    def valid_mask(self) -> np.ndarray:
        mask = np.ones(len(self.frame), dtype=bool)
        mask[list(self.errors)] = False
        return mask

    def row_reason(self, index: int) -> str:
        return "；".join(self.errors.get(index, ()))

    def error_rows(self) -> list[tuple[int, str]]:
        """(spreadsheet row number, reasons) of every bad row, in file order."""
        rows = self.frame[ROW].to_numpy()
        return [(int(rows[i]), self.row_reason(i)) for i in sorted(self.errors)]

    def error_lines(self) -> list[str]:
        return [f"row {row}: {reason}" for row, reason in self.error_rows()]


def _per_value(series: pd.Series, rule: Callable) -> pd.Series:
    """Apply a plain rule once per distinct value (rosters repeat dates, enterprises, classes)."""
    table = {value: rule(value) for value in series.unique()}
    return series.map(table)


def _chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterable:
    """The values for `__in`: one array parameter on PostgreSQL, else chunks under SQLite's parameter limit."""
    if connection.vendor == "postgresql":
        yield any_of(values)
        return
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Errors:
    def __init__(self):
        self.by_row: dict[int, list[str]] = {}

    def add(self, column: str, reasons: pd.Series) -> None:
        """`reasons` holds a reason or None/NaN per row."""
        values = reasons.to_numpy(dtype=object)
        for i in np.flatnonzero(pd.notna(values)):
            self.by_row.setdefault(int(i), []).append(f"{column}: {values[i]}")

    def add_one(self, index: int, column: str, reason: str) -> None:
        self.by_row.setdefault(int(index), []).append(f"{column}: {reason}")


def _people_lookups(ids: list[str], project) -> tuple[dict, dict, dict]:
    """Existing trainees by ID number, their enrolment in this project, their active project elsewhere."""
    trainees, here, elsewhere = {}, {}, {}
    for chunk in _chunks(ids):
        trainees.update(Trainee.objects.filter(id_number__in=chunk).values_list("id_number", "pk"))
    for chunk in _chunks(ids):
        rows = (
            Enrollment.objects.filter(trainee__id_number__in=chunk)
            .filter(Q(project=project) | Q(status=EnrollmentStatus.ACTIVE))
            .values_list("trainee__id_number", "project_id", "project__code", "pk", "offline_class_id")
        )
        for id_number, project_id, project_code, pk, class_id in rows:
            if project_id == project.pk:
                here[id_number] = (pk, class_id)
            else:
                elsewhere[id_number] = project_code
    return trainees, here, elsewhere


def _enterprise_lookup(codes: list[str]) -> dict[str, tuple[int, int]]:
    found = {}
    for chunk in _chunks(codes):
        for code, pk, region_id in Enterprise.objects.filter(credit_code__in=chunk).values_list(
            "credit_code", "pk", "region_id"
        ):
            found[code] = (pk, region_id)
    return found


def _class_lookup(codes: list[str], project) -> dict[str, dict]:
    classes = {
        row["code"]: row
        for row in OfflineClass.objects.filter(project=project, code__in=codes).values(
            "pk", "code", "personnel_class", "capacity"
        )
    }
    counts = dict(
        # Counted as enrollment_create counts: everyone in the class but those who withdrew.
        Enrollment.objects.filter(offline_class_id__in=[row["pk"] for row in classes.values()])
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .values_list("offline_class_id")
        .annotate(n=Count("pk"))
        .values_list("offline_class_id", "n")
    )
    for row in classes.values():
        row["enrolled"] = counts.get(row["pk"], 0)
    return classes


def check_roster(frame: pd.DataFrame, *, project, today: datetime.date | None = None) -> RosterCheck:
    """Check every row of a roster (from read_roster / frame_from_table) for `project`. Reads, never writes."""
    today = today or timezone.localdate()
    frame = frame.copy()
    errors = _Errors()

    frame["_name"] = _per_value(frame[c.NAME], normalize_name)
    errors.add(c.NAME, _per_value(frame[c.NAME], checks.name_error))

    ids = _per_value(frame[c.ID_NUMBER], normalize_id_number)
    frame["_id_number"] = ids
    id_reasons = _per_value(ids, lambda v: id_number_error(v, today=today))
    id_ok = id_reasons.isna()
    duplicated = id_ok & ids.duplicated(keep="first")
    if duplicated.any():
        first_rows = frame[ROW].groupby(ids, sort=False).transform("first")
        id_reasons[duplicated] = first_rows[duplicated].map(checks.duplicate_error)
    unique_ok = id_ok & ~duplicated
    trainees, here, elsewhere = _people_lookups(ids[unique_ok].tolist(), project)
    if elsewhere:
        other = ids.map(elsewhere)
        mask = unique_ok & other.notna()
        id_reasons[mask] = other[mask].map(lambda code: active_project_error(other_active_projects=[code]))
    errors.add(c.ID_NUMBER, id_reasons)
    frame["_trainee_id"] = ids.map(trainees)
    frame["_enrollment"] = ids.map(here)

    labels = checks.personnel_class_labels()
    errors.add(
        c.PERSONNEL_CLASS, _per_value(frame[c.PERSONNEL_CLASS], lambda v: checks.personnel_class_error(v, labels))
    )
    frame["_personnel_class"] = frame[c.PERSONNEL_CLASS].map(labels)

    codes = _per_value(frame[c.CREDIT_CODE], normalize_credit_code)
    code_reasons = _per_value(codes, credit_code_error)
    code_ok = code_reasons.isna()
    enterprises = _enterprise_lookup(codes[code_ok].unique().tolist())
    region_ids = {row["pk"] for row in region_subtree(project.region)}
    region_name = project.region.full_name

    def enterprise_reason(code):
        found = enterprises.get(code)
        return checks.enterprise_error(
            registered=found is not None,
            in_region=found is not None and found[1] in region_ids,
            region_name=region_name,
        )

    if code_ok.any():
        code_reasons[code_ok] = _per_value(codes[code_ok], enterprise_reason)
    errors.add(c.CREDIT_CODE, code_reasons)
    frame["_enterprise_id"] = codes.map({code: found[0] for code, found in enterprises.items()})

    phones = _per_value(frame[c.PHONE], normalize_phone)
    frame["_phone"] = phones
    errors.add(c.PHONE, _per_value(phones, phone_error))

    errors.add(
        c.POST_START_DATE, _per_value(frame[c.POST_START_DATE], lambda v: checks.post_start_date_error(v, today=today))
    )
    frame["_post_start_date"] = _per_value(frame[c.POST_START_DATE], checks.parse_date)

    errors.add(c.NEW_OR_TRANSFERRED, _per_value(frame[c.NEW_OR_TRANSFERRED], checks.yes_no_error))
    frame["_new_or_transferred"] = _per_value(frame[c.NEW_OR_TRANSFERRED], checks.yes_no_value)

    _check_classes(frame, project, errors)
    return RosterCheck(frame=frame, errors=dict(sorted(errors.by_row.items())))


def _check_classes(frame: pd.DataFrame, project, errors: _Errors) -> None:
    """班级编号 known in the project and of the same personnel class; then, in file order as if each row were
    enrolled in turn (enrollment_create's order), the contract scale and the class capacity: a row that will not
    be enrolled takes no place."""
    codes = frame[c.OFFLINE_CLASS]
    wanted = set(np.flatnonzero((codes != "").to_numpy()).tolist())
    classes = _class_lookup(sorted(set(codes.iloc[sorted(wanted)])), project) if wanted else {}
    class_ids = np.full(len(frame), None, dtype=object)
    taken = {code: row["enrolled"] for code, row in classes.items()}
    scale = _ScaleCount(project)
    enrollments = frame["_enrollment"].to_numpy(dtype=object)
    personnel = frame["_personnel_class"].to_numpy(dtype=object)
    for i in range(len(frame)):
        offline_class = None
        if i in wanted:
            code = codes.iat[i]
            offline_class = classes.get(code)
            if offline_class is None:
                errors.add_one(i, c.OFFLINE_CLASS, checks.class_unknown_error(code, project.code))
                continue
            class_ids[i] = offline_class["pk"]
            if pd.notna(personnel[i]):
                reason = class_personnel_error(
                    class_personnel=offline_class["personnel_class"],
                    trainee_personnel=int(personnel[i]),
                    class_label=code,
                )
                if reason:
                    errors.add_one(i, c.OFFLINE_CLASS, reason)
                    continue
        if i in errors.by_row:
            continue  # a row that will not be enrolled takes no place
        current = enrollments[i]
        new = not isinstance(current, tuple)
        if new:
            reason = scale.error(int(personnel[i]))
            if reason:
                errors.add_one(i, c.PERSONNEL_CLASS, reason)
                continue
        if offline_class is not None and not (not new and current[1] == offline_class["pk"]):
            reason = class_capacity_error(capacity=offline_class["capacity"], enrolled=taken[code], adding=1)
            if reason:
                errors.add_one(i, c.OFFLINE_CLASS, reason)
                continue
            taken[code] += 1
        if new:
            scale.take(int(personnel[i]))
    frame["_offline_class_id"] = class_ids


class _ScaleCount:
    """The contract scale per personnel class and the people enrolled so far (training.rules
    contract_scale_error, counted as enrollment_create counts). No contract: no scale to keep."""

    def __init__(self, project):
        self.contract = contract_of(project)
        self.enrolled = enrolled_by_personnel_class(project) if self.contract else {}

    def error(self, personnel_class: int) -> str | None:
        if self.contract is None:
            return None
        return contract_scale_reason(
            contract=self.contract, personnel_class=personnel_class, enrolled=self.enrolled.get(personnel_class, 0)
        )

    def take(self, personnel_class: int) -> None:
        self.enrolled[personnel_class] = self.enrolled.get(personnel_class, 0) + 1
