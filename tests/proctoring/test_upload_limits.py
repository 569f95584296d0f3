"""Issue 7 finding 10 (images): pixel and byte limits checked from the header before decoding, at every upload door
(camera enrolment, study snapshot, bulk zip page), and the bulk zip's own limits checked before extracting."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from proctoring import faces
from proctoring.models import BulkEnrolmentJob, FaceTemplate, Snapshot
from proctoring.services import study
from proctoring.services.consent import consent_give
from proctoring.services.enrolment import template_for
from tests.factories import TraineeFactory, staff_user
from tests.proctoring import study_support as support
from tests.proctoring.bombs import corrupt_member, jpeg_claiming, png_bomb, zip_bytes
from tests.training import builders
from training.roles import Role
from training.services.enrollments import enrollment_create
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db

JPEG_BOMB_REASON = "图像尺寸过大（20000×20000，上限25000000像素）"


def test_the_pixel_cap_is_read_from_the_header_and_set_for_pillow(settings, faces_dir):
    assert Image.MAX_IMAGE_PIXELS == settings.FACE_IMAGE_MAX_PIXELS == 25_000_000
    assert faces.image_error(jpeg_claiming()) == JPEG_BOMB_REASON
    assert faces.image_error(png_bomb()).startswith("图像尺寸过大")
    assert faces.image_error((faces_dir / "obama.jpg").read_bytes()) is None
    settings.FACE_IMAGE_MAX_PIXELS = 100_000  # the explicit cap, below Pillow's own guard
    with pytest.raises(faces.ImageTooLarge, match=r"图像尺寸过大（\d+×\d+，上限100000像素）"):
        faces.load_image(faces_dir / "obama.jpg")
    assert faces.image_error(b"GIF89a" + b"\x00" * 20).startswith("无法读取图像")


@pytest.fixture
def trainee_client(client):
    trainee = TraineeFactory()
    consent_give(trainee=trainee)
    client.force_login(trainee_account_create(trainee=trainee, password="Pass-word-2024"))
    client.trainee = trainee
    return client


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("bomb.jpg", jpeg_claiming, "人脸采集：" + JPEG_BOMB_REASON),
        ("bomb.png", png_bomb, "人脸采集：图像尺寸过大（20000×20000，上限25000000像素）"),
    ],
)
def test_camera_enrolment_refuses_a_bomb(trainee_client, name, make, reason):
    upload = SimpleUploadedFile(name, make(), content_type="image/jpeg")
    response = trainee_client.post(reverse("proctoring:enrol"), {"image": upload})
    assert (response.status_code, response.json()) == (422, {"ok": False, "reason": reason})
    assert template_for(trainee_client.trainee) is None


def test_camera_enrolment_refuses_too_many_bytes(trainee_client, settings, faces_dir):
    settings.FACE_IMAGE_MAX_BYTES = 20_000
    upload = SimpleUploadedFile("big.jpg", (faces_dir / "obama.jpg").read_bytes(), content_type="image/jpeg")
    response = trainee_client.post(reverse("proctoring:enrol"), {"image": upload})
    assert response.json() == {"ok": False, "reason": "人脸采集：图像过大（上限19.5 KB）"}
    assert not FaceTemplate.objects.exists()


def test_a_bomb_snapshot_is_a_failed_check_not_a_crash(client, faces_dir, django_capture_on_commit_callbacks):
    proj = builders.project()
    lesson = support.lesson(proj)
    user = support.student(proj, faces_dir / "obama.jpg")
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    snapshot = study.snapshot_request(session_id=session.pk, covers_until=10)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):  # the verification task runs in-process
        response = client.post(
            reverse("proctoring:snapshot-upload", args=[snapshot.pk]),
            {"image": SimpleUploadedFile("s.jpg", jpeg_claiming(), content_type="image/jpeg")},
        )
    assert response.status_code in (202, 400)  # stored and failed, or refused at the door: never a 500
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    if response.status_code == 202:
        assert snapshot.verdict and snapshot.verdict != "match"
    else:
        assert "图像" in response.json()["error"] and not snapshot.image


# --- the bulk zip page (web page + Celery task, eager) ---


@pytest.fixture
def provider(client):
    proj = builders.project()
    client.force_login(staff_user(Role.PROVIDER_STAFF, provider=proj.provider))
    return proj


def _on_roster(proj):
    trainee = TraineeFactory()
    consent_give(trainee=trainee)
    enrollment_create(project=proj, trainee=trainee)
    return trainee


def _post(client, data: bytes, capture):
    with capture(execute=True):
        return client.post(
            reverse("proctoring:bulk-upload"), {"archive": SimpleUploadedFile("p.zip", data)}, follow=False
        )


def test_bomb_photos_in_a_zip_are_refused_one_by_one(client, provider, faces_dir, django_capture_on_commit_callbacks):
    png, jpg, good = _on_roster(provider), _on_roster(provider), _on_roster(provider)
    archive = zip_bytes(
        {
            f"{png.id_number}.png": png_bomb(),
            f"{jpg.id_number}.jpg": jpeg_claiming(),
            f"{good.id_number}.jpg": (faces_dir / "obama.jpg").read_bytes(),
        }
    )
    response = _post(client, archive, django_capture_on_commit_callbacks)
    job = BulkEnrolmentJob.objects.get()
    assert response.url == reverse("proctoring:bulk-job", args=[job.pk])
    assert job.status == "done"
    rows = {row["id_number"]: row for row in job.results}
    assert rows[png.id_number]["outcome"] == rows[jpg.id_number]["outcome"] == "refused"
    assert rows[png.id_number]["reason"] == "人脸采集：图像尺寸过大（20000×20000，上限25000000像素）"
    assert rows[jpg.id_number]["reason"] == "人脸采集：" + JPEG_BOMB_REASON
    assert rows[good.id_number]["outcome"] == "enrolled"


@pytest.mark.parametrize(
    ("setting", "value", "entries", "message"),
    [
        ("FACE_BULK_MAX_FILES", 2, {f"{n}.jpg": b"x" for n in range(3)}, "压缩包：文件过多（3个，上限2个）"),
        (
            "FACE_BULK_MAX_UNCOMPRESSED_BYTES",
            1024 * 1024,
            {"a.jpg": b"\x00" * (5 * 1024 * 1024)},
            "压缩包：解压后过大（5.0 MB，上限1.0 MB）",
        ),
        ("FACE_BULK_MAX_ARCHIVE_BYTES", 1000, {"a.jpg": os.urandom(5000)}, "压缩包：文件过大（"),
    ],
)
def test_zip_limits_are_checked_before_extracting(
    client, provider, settings, setting, value, entries, message, django_capture_on_commit_callbacks
):
    setattr(settings, setting, value)
    response = _post(client, zip_bytes(entries), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BulkEnrolmentJob.objects.exists()


def test_a_job_that_fails_ends_failed_with_the_reason_and_the_results_so_far(
    client, provider, faces_dir, django_capture_on_commit_callbacks
):
    first, second = _on_roster(provider), _on_roster(provider)
    archive = zip_bytes(
        {
            f"{first.id_number}.jpg": (faces_dir / "obama.jpg").read_bytes(),
            f"{second.id_number}.png": (faces_dir / "alex-lacamoire.png").read_bytes(),
        }
    )
    response = _post(client, corrupt_member(archive, f"{second.id_number}.png"), django_capture_on_commit_callbacks)
    job = BulkEnrolmentJob.objects.get()
    assert job.status == "failed"
    assert job.error.startswith("处理中断：") and job.error.endswith("（此前的文件结果已保存）")
    assert job.results == [
        {"file": f"{first.id_number}.jpg", "id_number": first.id_number, "outcome": "enrolled", "reason": ""}
    ]
    assert not job.archive
    page = client.get(response.url).content.decode()
    assert "导入失败：处理中断：" in page and "失败" in page
