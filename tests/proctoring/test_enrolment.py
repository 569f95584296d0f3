"""Enrolment: quality gate reasons, the encrypted template, the photo's retention, bulk zip import."""

import io
import zipfile
from datetime import timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from proctoring import crypto, faces
from proctoring.models import BulkEnrolmentJob, EnrolmentPhoto, FaceTemplate
from proctoring.services.bulk_enrolment import bulk_enrolment_start
from proctoring.services.consent import consent_give
from proctoring.services.enrolment import enrolment_photo_bytes, face_enrol, template_for
from tests.factories import TraineeFactory, staff_user
from tests.proctoring.face_frames import gradient_frame, jpeg
from tests.training import builders
from training.roles import Role
from training.services.enrollments import enrollment_create
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db


def consenting_trainee(**kwargs):
    trainee = TraineeFactory(**kwargs)
    consent_give(trainee=trainee, ip_address="127.0.0.1")
    return trainee


def test_enrol_stores_an_encrypted_template_and_the_photo(faces_dir):
    trainee = consenting_trainee()
    photo = (faces_dir / "obama.jpg").read_bytes()
    template = face_enrol(trainee=trainee, image_bytes=photo)

    stored = bytes(FaceTemplate.objects.get(pk=template.pk).encrypted)
    encoding = template_for(trainee)
    assert encoding.shape == (128,)
    assert np.allclose(encoding, faces.reference_encoding(photo))
    assert encoding.tobytes() not in stored  # not the raw floats
    assert encoding.astype("<f4").tobytes() not in stored
    assert template.model_version == faces.MODEL_VERSION
    saved = EnrolmentPhoto.objects.get(trainee=trainee)
    assert photo not in bytes(saved.encrypted)
    assert enrolment_photo_bytes(saved) == photo
    days = (saved.expires_at - saved.created_at) / timedelta(days=1)
    assert days == pytest.approx(7, abs=0.001)


def test_re_enrolment_by_the_trainee_replaces_the_template(faces_dir):
    trainee = consenting_trainee()
    user = trainee_account_create(trainee=trainee, password="Pass-word-2024")
    first = face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    second = face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama2.jpg").read_bytes(), actor=user)
    assert second.pk == first.pk and FaceTemplate.objects.filter(trainee=trainee).count() == 1
    assert np.allclose(template_for(trainee), faces.reference_encoding((faces_dir / "obama2.jpg").read_bytes()))


def test_photo_not_kept_when_retention_is_zero(settings, faces_dir):
    settings.BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS = 0
    trainee = consenting_trainee()
    face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    assert template_for(trainee) is not None
    assert not EnrolmentPhoto.objects.exists()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: jpeg(gradient_frame()), "人脸采集：未检测到人脸"),
        (lambda d: (d / "two_people.jpg").read_bytes(), "人脸采集：检测到多张人脸（2张）"),
        (lambda d: _resized(d / "obama.jpg", 0.25), "人脸采集：人脸太小"),
        (lambda d: b"GIF89a-not-really", "人脸采集：无法读取图像"),
    ],
)
def test_quality_gate_refusals_give_the_reason(faces_dir, make, reason):
    trainee = consenting_trainee()
    with pytest.raises(ValidationError, match=reason):
        face_enrol(trainee=trainee, image_bytes=make(faces_dir))
    assert not FaceTemplate.objects.exists()
    assert not EnrolmentPhoto.objects.exists()


def _resized(path, factor):
    image = Image.open(path).convert("RGB")
    return jpeg(np.asarray(image.resize((int(image.width * factor), int(image.height * factor)))))


def test_encryption_round_trip_and_wrong_key(settings):
    encoding = np.linspace(-0.2, 0.2, 128)
    token = crypto.encrypt_template(encoding)
    assert encoding.tobytes() not in token
    assert np.array_equal(crypto.decrypt_template(token), encoding)
    settings.FACE_TEMPLATE_KEY = "x" * 43 + "="
    from cryptography.fernet import InvalidToken

    with pytest.raises(InvalidToken):
        crypto.decrypt_template(token)


def test_template_must_have_128_values():
    with pytest.raises(ValueError, match="128"):
        crypto.encrypt_template(np.zeros(127))


# --- Bulk upload by a provider: a zip of photos named by ID number ---


def _zip(entries: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return SimpleUploadedFile("photos.zip", buffer.getvalue(), content_type="application/zip")


def test_bulk_zip_reports_every_file(faces_dir, django_capture_on_commit_callbacks):
    proj = builders.project()
    provider_user = staff_user(Role.PROVIDER_STAFF, provider=proj.provider)
    enrolled, refused, no_consent = consenting_trainee(), consenting_trainee(), TraineeFactory()
    outsider = consenting_trainee()  # exists, but not on this provider's rosters
    for trainee in (enrolled, refused, no_consent):
        enrollment_create(project=proj, trainee=trainee)
    archive = _zip(
        {
            f"{enrolled.id_number}.jpg": (faces_dir / "obama.jpg").read_bytes(),
            f"photos/{refused.id_number}.JPG": (faces_dir / "two_people.jpg").read_bytes(),
            f"{no_consent.id_number}.jpg": (faces_dir / "biden.jpg").read_bytes(),
            f"{outsider.id_number}.jpg": (faces_dir / "biden.jpg").read_bytes(),
            "110101199001011234.jpg": (faces_dir / "biden.jpg").read_bytes(),
            "notes.txt": b"hello",
            "__MACOSX/._x.jpg": b"",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_enrolment_start(uploaded_by=provider_user, archive=archive)

    job = BulkEnrolmentJob.objects.get(pk=job.pk)
    assert job.status == "done"
    assert (job.total, job.processed) == (6, 6)
    by_file = {row["file"]: row for row in job.results}
    assert by_file[f"{enrolled.id_number}.jpg"]["outcome"] == "enrolled"
    assert by_file[f"photos/{refused.id_number}.JPG"]["outcome"] == "refused"
    assert "检测到多张人脸" in by_file[f"photos/{refused.id_number}.JPG"]["reason"]
    assert by_file[f"{no_consent.id_number}.jpg"]["outcome"] == "no_consent"
    assert by_file[f"{outsider.id_number}.jpg"]["outcome"] == "unknown_id"
    assert by_file["110101199001011234.jpg"]["outcome"] == "unknown_id"
    assert by_file["110101199001011234.jpg"]["reason"].startswith("身份证号：")
    assert by_file["notes.txt"]["outcome"] == "refused"
    assert job.counts() == {"enrolled": 1, "refused": 2, "no_consent": 1, "unknown_id": 2}
    assert template_for(enrolled) is not None
    assert template_for(no_consent) is None and template_for(outsider) is None
    assert EnrolmentPhoto.objects.get(trainee=enrolled).source == "bulk"
    assert not job.archive  # the uploaded photos are not kept after processing


def test_bulk_refuses_a_file_that_is_not_a_zip():
    provider_user = staff_user(Role.PROVIDER_STAFF, provider=builders.project().provider)
    with pytest.raises(ValidationError, match="压缩包：不是有效的zip文件"):
        bulk_enrolment_start(uploaded_by=provider_user, archive=SimpleUploadedFile("x.zip", b"plain text"))


def test_bulk_hundreds_of_files_progress(faces_dir, django_capture_on_commit_callbacks):
    """Many files at once: every file gets a row; unknown ids are cheap (no face work)."""
    proj = builders.project()
    provider_user = staff_user(Role.PROVIDER_STAFF, provider=proj.provider)
    trainee = consenting_trainee()
    enrollment_create(project=proj, trainee=trainee)
    entries = {f"unknown-{n:03d}.jpg": b"x" for n in range(300)}
    entries[f"{trainee.id_number}.jpg"] = (faces_dir / "obama2.jpg").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_enrolment_start(uploaded_by=provider_user, archive=_zip(entries))
    job.refresh_from_db()
    assert (job.total, job.processed) == (301, 301)
    assert job.counts() == {"unknown_id": 300, "enrolled": 1}
    assert timezone.now() >= job.finished_at
