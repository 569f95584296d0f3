"""Writing a checked roster (issue 3 "Rosters"): trainees created or updated by ID number, enrolled in the project
and class. One import run is one transaction: nothing is half-written. The project's contract (its scale) and the
offline classes named in the file are locked (select_for_update, as enrollment_create locks them) before the
check, so a concurrent enrolment waits and cannot overfill the contract or a class.

New rows go in with bulk_create in batches (on PostgreSQL with COPY, which the database checks against the same
constraints and is several times faster for rosters of tens of thousands); known people with bulk_update.
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
from training.rosters.copy import any_of, copy_insert
from training.services.enrollments import contract_of
from training.services.organisations import ACTION_ROSTER, provider_work_refusal

WRITE_BATCH = 2000
_TRAINEE_COLUMNS = [
    "name",
    "id_number",
    "personnel_class",
    "enterprise_id",
    "phone",
    "post_start_date",
    "new_or_transferred",
]
_TRAINEE_FIELDS = ["name", "personnel_class", "enterprise", "phone", "post_start_date", "new_or_transferred"]

Progress = Callable[[int, int], None]


class RosterRefusedError(Exception):
    """The project's provider may not submit rosters (suspended or removed): nothing was checked or written."""


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
    `skip_invalid` writes the good rows; `dry_run` only checks. Raises RosterConflictError on a write race, and
    RosterRefusedError when the project's provider is suspended or removed (training.rules.provider_may_work)."""
    try:
        with transaction.atomic():
            refusal = provider_work_refusal(provider=project.provider, action=ACTION_ROSTER)
            if refusal:
                raise RosterRefusedError(refusal)
            if not dry_run:
                contract_of(project, lock=True)  # the contract scale, locked first as enrollment_create does
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
            if dry_run:
                _count_planned(result)  # what a real run would do with the valid rows
                return result
            if result.check.invalid_count and not skip_invalid:
                return result
            _write(result, project, progress)
            result.written = True
            return result
    except IntegrityError as e:
        raise RosterConflictError(_("写入时与其他操作冲突，未写入任何数据，请重试：%(reason)s") % {"reason": e}) from e


def _count_planned(result: RosterResult) -> None:
    rows = result.check.frame[result.check.valid_mask]
    known = rows["_trainee_id"].notna()
    current = rows["_enrollment"].map(lambda value: value if isinstance(value, tuple) else None)
    enrolled_here = current.notna()
    class_ids = rows["_offline_class_id"]
    moves = enrolled_here & class_ids.notna() & (current.map(lambda value: value and value[1]) != class_ids)
    result.created, result.updated = int((~known).sum()), int(known.sum())
    result.enrolled, result.moved = int((~enrolled_here).sum()), int(moves.sum())


def _ids_by_id_number(id_numbers: list[str]) -> dict[str, int]:
    lookup = any_of(id_numbers) if connection.vendor == "postgresql" else id_numbers
    return dict(Trainee.objects.filter(id_number__in=lookup).values_list("id_number", "pk"))


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
    known = _column(chunk, "_trainee_id")
    values = list(
        zip(
            _column(chunk, "_name"),
            _column(chunk, "_id_number"),
            [int(v) for v in _column(chunk, "_personnel_class")],
            [int(v) for v in _column(chunk, "_enterprise_id")],
            _column(chunk, "_phone"),
            _column(chunk, "_post_start_date"),
            [bool(v) for v in _column(chunk, "_new_or_transferred")],
            strict=True,
        )
    )
    new = [row for pk, row in zip(known, values, strict=True) if pd.isna(pk)]
    existing = [
        Trainee(pk=int(pk), **dict(zip(_TRAINEE_COLUMNS, row, strict=True)))
        for pk, row in zip(known, values, strict=True)
        if not pd.isna(pk)
    ]
    ids = {}
    if new:
        if connection.vendor == "postgresql":
            copy_insert(Trainee, _TRAINEE_COLUMNS, new)
        else:
            Trainee.objects.bulk_create(
                [Trainee(**dict(zip(_TRAINEE_COLUMNS, row, strict=True))) for row in new], batch_size=WRITE_BATCH
            )
        ids = _ids_by_id_number([row[1] for row in new])
    if existing:
        Trainee.objects.bulk_update(existing, _TRAINEE_FIELDS, batch_size=WRITE_BATCH)
    result.created += len(new)
    result.updated += len(existing)
    return [ids[row[1]] if pd.isna(pk) else int(pk) for pk, row in zip(known, values, strict=True)]


def _write_enrollments(chunk: pd.DataFrame, trainee_ids: list[int], project, result: RosterResult) -> None:
    new, moved = [], []
    for trainee_id, current, class_id in zip(
        trainee_ids, _column(chunk, "_enrollment"), _column(chunk, "_offline_class_id"), strict=True
    ):
        class_id = None if pd.isna(class_id) else int(class_id)
        if not isinstance(current, tuple):
            new.append((project.pk, trainee_id, class_id, EnrollmentStatus.ACTIVE.value))
        elif class_id is not None and current[1] != class_id:
            moved.append(Enrollment(pk=current[0], offline_class_id=class_id))
    if new:
        fields = ["project_id", "trainee_id", "offline_class_id", "status"]
        if connection.vendor == "postgresql":
            copy_insert(Enrollment, fields, new)
        else:
            Enrollment.objects.bulk_create(
                [Enrollment(**dict(zip(fields, row, strict=True))) for row in new], batch_size=WRITE_BATCH
            )
    if moved:
        Enrollment.objects.bulk_update(moved, ["offline_class"], batch_size=WRITE_BATCH)
    result.enrolled += len(new)
    result.moved += len(moved)
