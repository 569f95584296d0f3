"""Writing a checked roster (issue 3 "Rosters"): trainees created or updated by ID number, enrolled in the project
and class. One import run is one transaction: nothing is half-written. The offline classes named in the file are
locked (select_for_update, as enrollment_create locks them) before the capacity check, so a concurrent enrolment
waits and cannot overfill a class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from training.models import Enrollment, EnrollmentStatus, OfflineClass, Trainee
from training.rosters import columns as c
from training.rosters.batch import RosterCheck, check_roster

WRITE_BATCH = 2000
_TRAINEE_FIELDS = ["name", "personnel_class", "enterprise", "phone", "post_start_date", "new_or_transferred"]

Progress = Callable[[int, int], None]


class RosterConflictError(Exception):
    """A concurrent write got in first (e.g. the same person enrolled elsewhere meanwhile): nothing was written."""


@dataclass
class RosterResult:
    check: RosterCheck
    written: bool = False
    created: int = 0
    updated: int = 0
    enrolled: int = 0
    moved: int = 0
    priority: int = 0

    @property
    def valid(self) -> int:
        return self.check.total - self.check.invalid_count

    def summary(self) -> str:
        return _(
            "共%(total)d行，有效%(valid)d行，有误%(invalid)d行；新建学员%(created)d人，更新%(updated)d人，"
            "报名%(enrolled)d人，调班%(moved)d人，优先（新入职或转岗）%(priority)d人"
        ) % {
            "total": self.check.total,
            "valid": self.valid,
            "invalid": self.check.invalid_count,
            "created": self.created,
            "updated": self.updated,
            "enrolled": self.enrolled,
            "moved": self.moved,
            "priority": self.priority,
        }


def roster_import(
    *,
    project,
    frame: pd.DataFrame,
    skip_invalid: bool = False,
    dry_run: bool = False,
    today=None,
    progress: Progress | None = None,
) -> RosterResult:
    """Check `frame` (see reading.read_roster) and write it. By default all or nothing: any bad row, no write.
    `skip_invalid` writes the good rows; `dry_run` only checks. Raises RosterConflictError on a write race."""
    try:
        with transaction.atomic():
            codes = sorted(set(frame[c.OFFLINE_CLASS]) - {""})
            if codes and not dry_run:
                list(
                    OfflineClass.objects.select_for_update()
                    .filter(project=project, code__in=codes)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
            result = RosterResult(check=check_roster(frame, project=project, today=today))
            result.priority = int(result.check.frame.loc[result.check.valid_mask, "_new_or_transferred"].sum())
            if dry_run or (result.check.invalid_count and not skip_invalid):
                return result
            _write(result, project, progress)
            result.written = True
            return result
    except IntegrityError as e:
        raise RosterConflictError(_("写入时与其他操作冲突，未写入任何数据，请重试：%(reason)s") % {"reason": e}) from e


def _column(rows: pd.DataFrame, name: str) -> list:
    return rows[name].tolist()


def _write(result: RosterResult, project, progress: Progress | None) -> None:
    rows = result.check.frame[result.check.valid_mask]
    total, done = len(rows), 0
    for start in range(0, total, WRITE_BATCH):
        chunk = rows.iloc[start : start + WRITE_BATCH]
        trainee_ids = _write_trainees(chunk, result)
        _write_enrollments(chunk, trainee_ids, project, result)
        done += len(chunk)
        if progress:
            progress(done, total)


def _write_trainees(chunk: pd.DataFrame, result: RosterResult) -> list[int]:
    """Create the new people and update the known ones (by ID number); returns the trainee pk of every row."""
    values = zip(
        _column(chunk, "_trainee_id"),
        _column(chunk, "_name"),
        _column(chunk, "_id_number"),
        _column(chunk, "_personnel_class"),
        _column(chunk, "_enterprise_id"),
        _column(chunk, "_phone"),
        _column(chunk, "_post_start_date"),
        _column(chunk, "_new_or_transferred"),
        strict=True,
    )
    new, existing, pks = [], [], []
    for pk, name, id_number, personnel, enterprise, phone, date, flag in values:
        trainee = Trainee(
            name=name,
            id_number=id_number,
            personnel_class=int(personnel),
            enterprise_id=int(enterprise),
            phone=phone,
            post_start_date=date,
            new_or_transferred=bool(flag),
        )
        if pd.isna(pk):
            new.append(trainee)
        else:
            trainee.pk = int(pk)
            existing.append(trainee)
        pks.append(trainee)
    if new:
        Trainee.objects.bulk_create(new, batch_size=WRITE_BATCH)
        if not connection.features.can_return_rows_from_bulk_insert:
            ids = dict(Trainee.objects.filter(id_number__in=[t.id_number for t in new]).values_list("id_number", "pk"))
            for trainee in new:
                trainee.pk = ids[trainee.id_number]
    if existing:
        Trainee.objects.bulk_update(existing, _TRAINEE_FIELDS, batch_size=WRITE_BATCH)
    result.created += len(new)
    result.updated += len(existing)
    return [trainee.pk for trainee in pks]


def _write_enrollments(chunk: pd.DataFrame, trainee_ids: list[int], project, result: RosterResult) -> None:
    new, moved = [], []
    for trainee_id, current, class_id in zip(
        trainee_ids, _column(chunk, "_enrollment"), _column(chunk, "_offline_class_id"), strict=True
    ):
        class_id = None if pd.isna(class_id) else int(class_id)
        if not isinstance(current, tuple):
            new.append(
                Enrollment(
                    project=project, trainee_id=trainee_id, offline_class_id=class_id, status=EnrollmentStatus.ACTIVE
                )
            )
        elif class_id is not None and current[1] != class_id:
            moved.append(Enrollment(pk=current[0], offline_class_id=class_id))
    if new:
        Enrollment.objects.bulk_create(new, batch_size=WRITE_BATCH)
    if moved:
        Enrollment.objects.bulk_update(moved, ["offline_class"], batch_size=WRITE_BATCH)
    result.enrolled += len(new)
    result.moved += len(moved)
