"""The pages: consent (give, decline, withdraw), the other way, camera enrolment upload, logged photo view."""

import pytest
from django.urls import reverse

from proctoring.models import BiometricConsent, EnrolmentPhoto, ImageAccessLog
from proctoring.services.consent import consent_give, has_biometric_consent
from proctoring.services.enrolment import face_enrol, template_for
from tests.factories import EnterpriseFactory, TraineeFactory, region_tree, staff_user
from tests.proctoring.face_frames import jpeg, webcam_frame
from training.roles import Role
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee_client(client):
    trainee = TraineeFactory()
    client.force_login(trainee_account_create(trainee=trainee, password="Pass-word-2024"))
    client.trainee = trainee
    return client


def test_consent_page_says_what_why_and_how_long(trainee_client):
    page = trainee_client.get(reverse("proctoring:consent")).content.decode()
    for words in ("处理什么", "为什么处理", "保存多久", "采集照片保存7天后删除", "24小时", "改为参加线下学习"):
        assert words in page


def test_consenting_records_ip_and_leads_to_enrolment(trainee_client):
    response = trainee_client.post(reverse("proctoring:consent"), {"action": "consent"}, REMOTE_ADDR="10.9.8.7")
    assert response.url == reverse("proctoring:enrol")
    row = BiometricConsent.objects.get(trainee=trainee_client.trainee)
    assert (row.decision, row.ip_address, row.text_version) == ("consent", "10.9.8.7", "2026-1")


def test_declining_shows_the_offline_way(trainee_client):
    response = trainee_client.post(reverse("proctoring:consent"), {"action": "alternative"})
    assert response.url == reverse("proctoring:alternative")
    page = trainee_client.get(response.url).content.decode()
    assert "系统不会采集或保存您的任何人脸信息" in page
    assert "现场查验身份证件" in page
    assert trainee_client.get(reverse("proctoring:enrol")).url == reverse("proctoring:consent")


def test_enrol_upload_without_consent_is_refused(trainee_client, faces_dir):
    with (faces_dir / "obama.jpg").open("rb") as image:
        response = trainee_client.post(reverse("proctoring:enrol"), {"image": image})
    assert response.status_code == 403
    assert "未同意人脸核验" in response.json()["reason"]
    assert template_for(trainee_client.trainee) is None


def test_camera_enrolment_upload(trainee_client, faces_dir, tmp_path):
    consent_give(trainee=trainee_client.trainee)
    page = trainee_client.get(reverse("proctoring:enrol")).content.decode()
    assert "js/camera.js" in page and "<video" in page

    frame = tmp_path / "frame.jpg"
    frame.write_bytes(jpeg(webcam_frame(faces_dir / "two_people.jpg")))
    with frame.open("rb") as image:
        refused = trainee_client.post(reverse("proctoring:enrol"), {"image": image})
    assert refused.status_code == 422
    assert refused.json() == {"ok": False, "reason": "人脸采集：检测到多张人脸（2张），照片中只能有本人"}

    frame.write_bytes(jpeg(webcam_frame(faces_dir / "obama.jpg")))
    with frame.open("rb") as image:
        accepted = trainee_client.post(reverse("proctoring:enrol"), {"image": image})
    assert accepted.json()["ok"] is True
    assert template_for(trainee_client.trainee) is not None


def test_withdraw_from_the_page_deletes_at_once(trainee_client, faces_dir):
    consent_give(trainee=trainee_client.trainee)
    face_enrol(trainee=trainee_client.trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    trainee_client.post(reverse("proctoring:consent"), {"action": "withdraw"})
    assert not has_biometric_consent(trainee_client.trainee)
    assert template_for(trainee_client.trainee) is None
    assert not EnrolmentPhoto.objects.exists()


def _photo(faces_dir, **kwargs):
    trainee = TraineeFactory(**kwargs)
    consent_give(trainee=trainee)
    face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    return EnrolmentPhoto.objects.get(trainee=trainee)


def test_reviewer_sees_a_photo_only_with_a_reason_and_it_is_logged(client, faces_dir):
    county = region_tree()[2]
    photo = _photo(faces_dir)
    reviewer = staff_user(Role.HR_OFFICER, region=county)
    client.force_login(reviewer)
    url = reverse("proctoring:enrolment-photo", args=[photo.pk])

    asks = client.get(url)
    assert "查看原因" in asks.content.decode()
    assert not ImageAccessLog.objects.exists()

    shown = client.get(url, {"reason": "核对代学申诉"})
    assert shown["Content-Type"] == "image/jpeg"
    assert shown.content == (faces_dir / "obama.jpg").read_bytes()
    log = ImageAccessLog.objects.get()
    assert (log.viewer, log.image_kind, log.image_id, log.trainee, log.reason) == (
        reviewer,
        "enrolment_photo",
        photo.pk,
        photo.trainee,
        "核对代学申诉",
    )


def test_photo_out_of_scope_is_404_and_non_reviewers_are_refused(client, faces_dir):
    other_county = region_tree(county=("370503", "河口区"))[2]
    photo = _photo(faces_dir, enterprise=EnterpriseFactory(region=other_county))
    client.force_login(staff_user(Role.HR_OFFICER, region=region_tree()[2]))
    assert client.get(reverse("proctoring:enrolment-photo", args=[photo.pk]), {"reason": "x"}).status_code == 404
    client.force_login(staff_user(Role.SI_OFFICER, region=other_county))
    assert client.get(reverse("proctoring:enrolment-photo", args=[photo.pk]), {"reason": "x"}).status_code == 403
    assert not ImageAccessLog.objects.exists()


def test_bulk_upload_page_and_progress(client, faces_dir, django_capture_on_commit_callbacks):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.training import builders
    from training.services.enrollments import enrollment_create

    proj = builders.project()
    trainee = TraineeFactory()
    consent_give(trainee=trainee)
    enrollment_create(project=proj, trainee=trainee)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(f"{trainee.id_number}.jpg", (faces_dir / "obama.jpg").read_bytes())
    client.force_login(staff_user(Role.PROVIDER_STAFF, provider=proj.provider))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("proctoring:bulk-upload"), {"archive": SimpleUploadedFile("p.zip", buffer.getvalue())}
        )
    page = client.get(response.url).content.decode()
    assert "采集成功" in page and trainee.id_number in page
    progress = client.get(response.url, {"format": "json"}).json()
    assert progress == {"status": "done", "total": 1, "processed": 1, "counts": {"enrolled": 1}}


def test_bulk_upload_is_for_provider_staff(trainee_client):
    assert trainee_client.get(reverse("proctoring:bulk-upload")).status_code == 403
