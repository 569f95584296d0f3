"""Enrolment: a trainee's reference face, from their own camera or from a provider's bulk upload.

Rules: nothing biometric is stored without consent in force (checked again under the trainee's row lock, so a
withdrawal running at the same time wins); the photo passes the one quality gate (proctoring.faces); the 128-d
template is stored encrypted in its own table; the photo is kept BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS.
"""

from __future__ import annotations

import uuid
import zipfile
from datetime import timedelta
from pathlib import PurePosixPath

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring import crypto, faces
from proctoring.models import BulkEnrolmentJob, BulkJobStatus, EnrolmentPhoto, EnrolmentSource, FaceTemplate
from proctoring.services.consent import has_biometric_consent
from training.models import Trainee
from training.scope import visible
from training.validators import id_number_error

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def no_consent_message() -> str:
    return _("人脸采集：该学员未同意人脸核验，不能采集（可改为线下学习，现场核验身份）")


def face_enrol(*, trainee, image_bytes: bytes, source: str = EnrolmentSource.CAMERA) -> FaceTemplate:
    """Make and store the trainee's reference template from one photo. Raises ValidationError with the reason
    (code "no_consent", "quality" or "unreadable")."""
    if not has_biometric_consent(trainee):
        raise ValidationError(no_consent_message(), code="no_consent")
    if len(image_bytes) > MAX_PHOTO_BYTES:
        raise ValidationError(_("人脸采集：照片过大（最大10MB）"), code="unreadable")
    try:
        encoding = faces.reference_encoding(bytes(image_bytes))  # slow: outside the transaction
    except faces.ImageUnreadable as exc:
        raise ValidationError(_("人脸采集：%(reason)s") % {"reason": exc}, code="unreadable") from exc
    except faces.FaceQualityError as exc:
        raise ValidationError(_("人脸采集：%(reason)s") % {"reason": exc}, code="quality") from exc
    return _store(trainee, encoding, bytes(image_bytes), source)


@transaction.atomic
def _store(trainee, encoding: np.ndarray, image_bytes: bytes, source: str) -> FaceTemplate:
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if not has_biometric_consent(trainee):  # withdrawn while the photo was being analysed
        raise ValidationError(no_consent_message(), code="no_consent")
    FaceTemplate.objects.filter(trainee=trainee).delete()
    template = FaceTemplate(
        trainee=trainee, encrypted=crypto.encrypt_template(encoding), model_version=faces.MODEL_VERSION
    )
    template.full_clean()
    template.save()
    days = float(settings.BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS)
    if days > 0:
        EnrolmentPhoto.objects.create(
            trainee=trainee,
            encrypted=crypto.encrypt_bytes(image_bytes),
            content_type=_content_type(image_bytes),
            source=source,
            expires_at=timezone.now() + timedelta(days=days),
        )
    return template


def _content_type(data: bytes) -> str:
    return "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"


def template_for(trainee) -> np.ndarray | None:
    """The trainee's decrypted reference encoding, or None (not enrolled, or consent not in force)."""
    row = FaceTemplate.objects.filter(trainee=trainee).only("encrypted").first()
    if row is None:
        return None
    return crypto.decrypt_template(row.encrypted)


def enrolment_photo_bytes(photo: EnrolmentPhoto) -> bytes:
    """The decrypted photo. Callers that show it to a person log the view (proctoring.services.audit)."""
    return crypto.decrypt_bytes(photo.encrypted)


# --- Bulk enrolment: a provider's zip of photos named by ID number (hundreds at once, in a Celery task) ---

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_ARCHIVE_ENTRIES = 5000


def bulk_enrolment_start(*, uploaded_by, archive) -> BulkEnrolmentJob:
    """Store the uploaded zip and queue its processing (after commit). `archive` is an uploaded file."""
    if not zipfile.is_zipfile(archive):
        raise ValidationError({"archive": _("压缩包：不是有效的zip文件")})
    archive.seek(0)
    job = BulkEnrolmentJob(uploaded_by=uploaded_by, provider=getattr(uploaded_by, "provider", None))
    job.archive.save(f"{uuid.uuid4().hex}.zip", archive, save=False)
    with zipfile.ZipFile(job.archive.path) as zf:
        job.total = len(_photo_entries(zf))
    job.save()
    from proctoring.tasks import bulk_enrolment_task

    transaction.on_commit(lambda: bulk_enrolment_task.delay(job.pk))
    return job


def _photo_entries(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    entries = [
        info
        for info in zf.infolist()
        if not info.is_dir()
        and not PurePosixPath(info.filename).name.startswith((".", "__"))
        and "__MACOSX" not in info.filename
    ]
    return entries[:MAX_ARCHIVE_ENTRIES]


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
    if info.file_size > MAX_PHOTO_BYTES:
        return _result(info, id_number, "refused", _("照片过大（最大10MB）"))
    try:
        face_enrol(trainee=trainee, image_bytes=data_reader(info), source=EnrolmentSource.BULK)
    except ValidationError as exc:
        outcome = "no_consent" if exc.code == "no_consent" else "refused"
        return _result(info, id_number, outcome, " ".join(exc.messages))
    return _result(info, id_number, "enrolled")


def bulk_enrolment_run(*, job_id: int) -> BulkEnrolmentJob:
    """Process every file of the job, saving progress after each one (the job page polls it)."""
    job = BulkEnrolmentJob.objects.select_related("uploaded_by").get(pk=job_id)
    if job.status == BulkJobStatus.DONE:
        return job
    BulkEnrolmentJob.objects.filter(pk=job.pk).update(status=BulkJobStatus.RUNNING, processed=0, results=[])
    results = []
    try:
        with zipfile.ZipFile(job.archive.path) as zf:
            for info in _photo_entries(zf):
                results.append(bulk_enrol_one(uploader=job.uploaded_by, info=info, data_reader=zf.read))
                BulkEnrolmentJob.objects.filter(pk=job.pk).update(processed=len(results), results=results)
    except (OSError, zipfile.BadZipFile) as exc:
        BulkEnrolmentJob.objects.filter(pk=job.pk).update(status=BulkJobStatus.FAILED, error=str(exc))
    else:
        BulkEnrolmentJob.objects.filter(pk=job.pk).update(status=BulkJobStatus.DONE, finished_at=timezone.now())
    finally:
        # The photos in it are biometric data: never kept after processing.
        job.archive.delete(save=False)
        BulkEnrolmentJob.objects.filter(pk=job.pk).update(archive="")
    job.refresh_from_db()
    return job
