"""Bulk enrolment: a provider's zip of photos named by ID number, hundreds at once, processed in a Celery task.

Rules: only staff with proctoring.bulk_enrol_faces, only trainees on their rosters (training.scope.visible), only
trainees who consented and have no template yet (a bulk upload never replaces one: face_enrol refuses it). The zip's
own size, its number of photos and their total uncompressed size are checked before anything is extracted
(FACE_BULK_MAX_*); each photo then passes the one safe image loader (proctoring.faces). A job that fails ends as
failed with the reason, keeping the per-file results of the files done until then.
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring import faces
from proctoring.models import BulkEnrolmentJob, BulkJobStatus, EnrolmentSource, FaceTemplate
from proctoring.services.consent import has_biometric_consent
from proctoring.services.enrolment import face_enrol
from training.models import Trainee
from training.scope import visible
from training.validators import id_number_error

logger = logging.getLogger(__name__)

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
BULK_PERMISSION = "proctoring.bulk_enrol_faces"


def _mb(size: int) -> str:
    return filesizeformat(size)


def _photo_entries(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in zf.infolist()
        if not info.is_dir()
        and not PurePosixPath(info.filename).name.startswith((".", "__"))
        and "__MACOSX" not in info.filename
    ]


def archive_error(zf: zipfile.ZipFile) -> str | None:
    """Why a zip is refused before extraction: too many files, or too large once uncompressed (from its directory;
    zipfile never returns more bytes than a member declares, so the declared sizes bound what is read)."""
    entries = _photo_entries(zf)
    if len(entries) > settings.FACE_BULK_MAX_FILES:
        return _("压缩包：文件过多（%(n)d个，上限%(max)d个）") % {
            "n": len(entries),
            "max": settings.FACE_BULK_MAX_FILES,
        }
    total = sum(info.file_size for info in zf.infolist())
    if total > settings.FACE_BULK_MAX_UNCOMPRESSED_BYTES:
        limit = _mb(settings.FACE_BULK_MAX_UNCOMPRESSED_BYTES)
        return _("压缩包：解压后过大（%(size)s，上限%(max)s）") % {"size": _mb(total), "max": limit}
    return None


def bulk_enrolment_start(*, uploaded_by, archive) -> BulkEnrolmentJob:
    """Check and store the uploaded zip and queue its processing (after commit). `archive` is an uploaded file."""
    if not uploaded_by.has_perm(BULK_PERMISSION):
        raise PermissionDenied(_("只有培训机构工作人员可以批量导入人脸照片"))
    if archive.size > settings.FACE_BULK_MAX_ARCHIVE_BYTES:
        limit = _mb(settings.FACE_BULK_MAX_ARCHIVE_BYTES)
        raise ValidationError(
            {"archive": _("压缩包：文件过大（%(size)s，上限%(max)s）") % {"size": _mb(archive.size), "max": limit}}
        )
    if not zipfile.is_zipfile(archive):
        raise ValidationError({"archive": _("压缩包：不是有效的zip文件")})
    archive.seek(0)
    with zipfile.ZipFile(archive) as zf:
        error = archive_error(zf)
        total = len(_photo_entries(zf))
    if error:
        raise ValidationError({"archive": error})
    archive.seek(0)
    job = BulkEnrolmentJob(uploaded_by=uploaded_by, provider=getattr(uploaded_by, "provider", None), total=total)
    job.archive.save(f"{uuid.uuid4().hex}.zip", archive, save=False)
    job.save()
    from proctoring.tasks import bulk_enrolment_task

    transaction.on_commit(lambda: bulk_enrolment_task.delay(job.pk))
    return job


def _result(info, id_number, outcome, reason="") -> dict:
    return {"file": info.filename, "id_number": id_number, "outcome": outcome, "reason": reason}


def bulk_enrol_one(*, uploader, info: zipfile.ZipInfo, data_reader) -> dict:
    """Enrol one file of a bulk upload; returns its report row. The trainee must be visible to the uploader."""
    name = PurePosixPath(info.filename)
    id_number = name.stem.strip().upper()
    if name.suffix.lower() not in PHOTO_SUFFIXES:
        return _result(info, id_number, "refused", _("文件类型：只接受jpg、jpeg、png照片"))
    trainee = visible(uploader, Trainee.objects.all()).filter(id_number=id_number).first()
    if trainee is None:
        reason = id_number_error(id_number) or _("系统中（您的范围内）没有此身份证号的学员")
        return _result(info, id_number, "unknown_id", _("身份证号：%(reason)s") % {"reason": reason})
    if not has_biometric_consent(trainee):
        return _result(info, id_number, "no_consent", _("该学员未同意人脸核验（或已撤回），未采集"))
    if FaceTemplate.objects.filter(trainee=trainee).exists():
        reason = _("该学员已有人脸模板，批量导入不能替换；需学员本人登录后在摄像头前重新采集")
        return _result(info, id_number, "has_template", reason)
    if info.file_size > faces.max_image_bytes():
        return _result(
            info, id_number, "refused", _("照片过大（上限%(max)s）") % {"max": _mb(faces.max_image_bytes())}
        )
    try:
        face_enrol(trainee=trainee, image_bytes=data_reader(info), source=EnrolmentSource.BULK, actor=uploader)
    except ValidationError as exc:
        outcomes = {"no_consent": "no_consent", "replace_refused": "has_template"}
        return _result(info, id_number, outcomes.get(exc.code, "refused"), " ".join(exc.messages))
    return _result(info, id_number, "enrolled")


def _fail(job_id: int, reason: str) -> None:
    BulkEnrolmentJob.objects.filter(pk=job_id).update(
        status=BulkJobStatus.FAILED, error=reason, finished_at=timezone.now()
    )


def bulk_enrolment_run(*, job_id: int) -> BulkEnrolmentJob:
    """Process every file of the job, saving progress after each one (the job page polls it). A job picked up again
    after a crashed worker continues after the files already reported."""
    job = BulkEnrolmentJob.objects.select_related("uploaded_by").get(pk=job_id)
    if job.status in (BulkJobStatus.DONE, BulkJobStatus.FAILED):
        return job
    results = list(job.results) if job.status == BulkJobStatus.RUNNING else []
    done = {row["file"] for row in results}
    BulkEnrolmentJob.objects.filter(pk=job.pk).update(status=BulkJobStatus.RUNNING)
    try:
        with zipfile.ZipFile(job.archive.path) as zf:
            error = archive_error(zf)  # again: the job may not have come through bulk_enrolment_start
            if error:
                _fail(job.pk, error)
            else:
                for info in _photo_entries(zf):
                    if info.filename in done:
                        continue
                    results.append(bulk_enrol_one(uploader=job.uploaded_by, info=info, data_reader=zf.read))
                    BulkEnrolmentJob.objects.filter(pk=job.pk).update(processed=len(results), results=results)
                BulkEnrolmentJob.objects.filter(pk=job.pk).update(
                    status=BulkJobStatus.DONE, finished_at=timezone.now()
                )
    except Exception as exc:  # noqa: BLE001 - whatever stops the job, it ends as failed with the reason
        logger.exception("bulk enrolment job %s failed", job.pk)
        _fail(job.pk, _("处理中断：%(error)s（此前的文件结果已保存）") % {"error": exc})
    finally:
        # The photos in it are biometric data: never kept after processing.
        job.archive.delete(save=False)
        BulkEnrolmentJob.objects.filter(pk=job.pk).update(archive="")
    job.refresh_from_db()
    return job
