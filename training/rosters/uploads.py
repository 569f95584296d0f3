"""Roster files uploaded on the web (issue 3 "Rosters", door a): stored, checked (a dry run with a preview and an
error report), then imported on confirmation. Large files run in a Celery task (training/tasks.py); progress goes
to the cache, which every process sees (Redis in production), because the import's own transaction is invisible
to other connections until it commits.
"""

from __future__ import annotations

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import RosterImport, RosterImportStatus
from training.rosters.batch import RosterCheck
from training.rosters.reading import RosterFileError, read_roster
from training.rosters.report import error_report_csv, error_report_xlsx
from training.rosters.service import RosterConflictError, RosterRefusedError, RosterResult, roster_import
from training.tabular import SpreadsheetError, check_spreadsheet

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
ERROR_SAMPLE = 200
# Files above this size are checked and imported in a Celery task (about 3,000 rows of csv).
SYNC_MAX_BYTES = 256 * 1024
PROGRESS_TIMEOUT = 6 * 3600


def progress_key(upload_id: int) -> str:
    return f"roster-import:{upload_id}:progress"


def progress_set(upload_id: int, *, stage: str, done: int = 0, total: int = 0) -> None:
    cache.set(progress_key(upload_id), {"stage": stage, "done": done, "total": total}, PROGRESS_TIMEOUT)


def progress_get(upload: RosterImport) -> dict:
    """What the progress bar shows: status, stage, done/total rows, percent (100 once finished)."""
    data = cache.get(progress_key(upload.pk)) or {}
    done, total = data.get("done", 0), data.get("total", 0)
    percent = 100 if not upload.is_running else (int(done * 100 / total) if total else 0)
    return {
        "status": upload.status,
        "status_label": str(upload.get_status_display()),
        "stage": data.get("stage", ""),
        "done": done,
        "total": total,
        "percent": percent,
        "finished": not upload.is_running,
    }


@transaction.atomic
def roster_upload_create(*, project, user, file, skip_invalid: bool = False) -> RosterImport:
    """Store an uploaded roster; a file over the limits (training.tabular.check_spreadsheet) is refused here."""
    try:
        check_spreadsheet(file)
    except SpreadsheetError as e:
        raise ValidationError({"file": str(e)}) from e
    upload = RosterImport(project=project, uploaded_by=user, original_name=file.name[:200], skip_invalid=skip_invalid)
    upload.file.save(file.name, file, save=False)
    upload.full_clean()
    upload.save()
    return upload


def is_large(upload: RosterImport) -> bool:
    return upload.file.size > SYNC_MAX_BYTES


def _read(upload: RosterImport):
    with upload.file.open("rb") as handle:
        data = handle.read()
    return data, read_roster(data)


def _save_report(upload: RosterImport, data: bytes, check: RosterCheck) -> None:
    if upload.report:
        upload.report.delete(save=False)
    if not check.invalid_count:
        return
    is_xlsx = data.startswith(b"PK\x03\x04")
    content = error_report_xlsx(check) if is_xlsx else error_report_csv(check)
    stem = upload.original_name.rsplit(".", 1)[0]
    upload.report.save(f"{stem}-错误报告.{'xlsx' if is_xlsx else 'csv'}", ContentFile(content), save=False)


def _preview(check: RosterCheck) -> dict:
    frame = check.frame.head(PREVIEW_ROWS)
    headers = [name for name in frame.columns if not name.startswith("_") and name != "row"]
    rows = [
        {"row": int(line["row"]), "cells": [line[h] for h in headers], "reason": check.row_reason(i)}
        for i, line in enumerate(frame.to_dict("records"))
    ]
    errors = [{"row": row, "reason": reason} for row, reason in check.error_rows()[:ERROR_SAMPLE]]
    return {"headers": headers, "rows": rows, "errors": errors}


def _finish(upload: RosterImport, status: str, message: str = "") -> RosterImport:
    upload.status = status
    upload.message = message
    upload.finished_at = timezone.now()
    upload.save()
    progress_set(upload.pk, stage=status)
    return upload


def _failed(upload: RosterImport, error: Exception) -> RosterImport:
    logger.exception("roster upload %s failed", upload.pk)
    reason = _("处理失败，未导入任何数据：%(reason)s") % {"reason": _reason(error)}
    return _finish(upload, RosterImportStatus.FAILED, reason[:1000])


def _reason(error: Exception) -> str:
    if isinstance(error, SoftTimeLimitExceeded):
        return _("超过处理时限（%(n)d秒），请拆分文件后分批上传") % {"n": settings.ROSTER_TASK_SOFT_TIME_LIMIT}
    if isinstance(error, MemoryError):
        return _("文件过大，内存不足，请拆分文件后分批上传")
    return f"{type(error).__name__}: {error}"[:500]


def _fill(upload: RosterImport, result: RosterResult) -> None:
    upload.total_rows = result.check.total
    upload.invalid_rows = result.check.invalid_count
    for name in ("created", "updated", "enrolled", "moved", "priority"):
        setattr(upload, name, getattr(result, name))
    upload.preview = _preview(result.check)


def roster_upload_check(*, upload: RosterImport) -> RosterImport:
    """The dry run: every row checked, nothing written; preview and error report stored."""
    RosterImport.objects.filter(pk=upload.pk).update(status=RosterImportStatus.CHECKING)
    progress_set(upload.pk, stage="checking")
    try:
        data, frame = _read(upload)
        result = roster_import(project=upload.project, frame=frame, dry_run=True)
        _fill(upload, result)
        _save_report(upload, data, result.check)
    except (RosterFileError, RosterRefusedError) as e:
        return _finish(upload, RosterImportStatus.FAILED, str(e))
    except Exception as e:  # noqa: BLE001 - a job that fails ends as failed, with the reason, never stuck
        return _failed(upload, e)
    return _finish(upload, RosterImportStatus.CHECKED)


def roster_upload_commit(*, upload: RosterImport) -> RosterImport:
    """Import a checked upload: all or nothing unless the uploader chose to skip bad rows. Checked again inside
    the import's transaction (the classes are locked), since the database may have changed since the preview.

    The upload is claimed (checked → importing) in the same transaction as the rows: if the worker dies midway,
    everything rolls back to "checked" and the redelivered task (acks_late) imports it again. A second click
    waits on the row lock and then finds the upload no longer "checked"."""
    with transaction.atomic():
        claimed = RosterImport.objects.filter(pk=upload.pk, status=RosterImportStatus.CHECKED).update(
            status=RosterImportStatus.IMPORTING
        )
        if not claimed:  # a second click, or not checked yet
            upload.refresh_from_db()
            return upload
        progress_set(upload.pk, stage="importing")
        try:
            data, frame = _read(upload)
            result = roster_import(
                project=upload.project,
                frame=frame,
                skip_invalid=upload.skip_invalid,
                progress=lambda done, total: progress_set(upload.pk, stage="importing", done=done, total=total),
            )
        except (RosterFileError, RosterConflictError, RosterRefusedError) as e:
            return _finish(upload, RosterImportStatus.FAILED, str(e))
        except Exception as e:  # noqa: BLE001 - roster_import's own savepoint rolled back; the upload says why
            return _failed(upload, e)
        _fill(upload, result)
        _save_report(upload, data, result.check)
        if not result.written:
            message = _("有%(n)d行有误，未导入任何数据") % {"n": result.check.invalid_count}
            return _finish(upload, RosterImportStatus.REJECTED, message)
        return _finish(upload, RosterImportStatus.DONE, result.summary())
