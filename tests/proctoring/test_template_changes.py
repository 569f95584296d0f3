"""Issue 7 finding 3: a provider cannot replace a trainee's face. Through the doors where it was seen: the bulk zip
page with its Celery task (eager), the camera enrolment endpoint, the review page, the trainee's home page."""

import io
import zipfile

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proctoring import faces
from proctoring.models import (
    BulkEnrolmentJob,
    FaceTemplate,
    FaceTemplateEvent,
    Flag,
    ImageAccessLog,
    ReviewStatus,
    TemplateReview,
)
from proctoring.services.consent import consent_give
from proctoring.services.enrolment import face_enrol, template_for
from tests.factories import EnterpriseFactory, TraineeFactory, region_tree, staff_user
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.training import builders
from training.roles import Role
from training.services.enrollments import enrollment_create
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-word-2024"
SEEN_ID = "370503197101293191"  # the trainee of the report


def _zip(entries: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return SimpleUploadedFile("photos.zip", buffer.getvalue(), content_type="application/zip")


def _on_roster(proj, **kwargs):
    trainee = TraineeFactory(**kwargs)
    consent_give(trainee=trainee)
    enrollment_create(project=proj, trainee=trainee)
    return trainee


def _bulk_upload(client, staff, entries, capture):
    client.force_login(staff)
    with capture(execute=True):
        response = client.post(reverse("proctoring:bulk-upload"), {"archive": _zip(entries)})
    assert response.status_code == 302, response.content.decode()
    return BulkEnrolmentJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_bulk_upload_never_replaces_a_template(client, faces_dir, django_capture_on_commit_callbacks):
    proj = builders.project()
    trainee = _on_roster(proj, id_number=SEEN_ID, enterprise=EnterpriseFactory(region=region_tree()[2]))
    face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    before = template_for(trainee)

    job = _bulk_upload(
        client,
        staff_user(Role.PROVIDER_STAFF, provider=proj.provider),
        {f"{SEEN_ID}.jpg": (faces_dir / "biden.jpg").read_bytes()},
        django_capture_on_commit_callbacks,
    )

    assert job.status == "done"
    assert job.results == [
        {
            "file": f"{SEEN_ID}.jpg",
            "id_number": SEEN_ID,
            "outcome": "has_template",
            "reason": "该学员已有人脸模板，批量导入不能替换；需学员本人登录后在摄像头前重新采集",
        }
    ]
    assert np.array_equal(template_for(trainee), before)
    # the other person's snapshots still fail as the trainee
    other = faces.check_face(template_for(trainee), jpeg_bytes(camera_frame(faces_dir / "biden2.jpg")))
    assert other.verdict == faces.Verdict.MISMATCH
    assert list(FaceTemplateEvent.objects.values_list("action", flat=True)) == ["created"]
    page = client.get(reverse("proctoring:bulk-job", args=[job.pk])).content.decode()
    assert "已有人脸模板（未替换）" in page


def test_bulk_upload_enrols_a_consenting_trainee_without_template_and_records_it(
    client, faces_dir, django_capture_on_commit_callbacks
):
    proj = builders.project()
    trainee = _on_roster(proj)
    staff = staff_user(Role.PROVIDER_STAFF, provider=proj.provider)
    job = _bulk_upload(
        client,
        staff,
        {f"{trainee.id_number}.jpg": (faces_dir / "obama.jpg").read_bytes()},
        django_capture_on_commit_callbacks,
    )
    assert job.counts() == {"enrolled": 1}
    event = FaceTemplateEvent.objects.get(trainee=trainee)
    assert (event.action, event.source, event.actor, event.reason, event.distance) == (
        "created",
        "bulk",
        staff,
        "培训机构批量导入",
        None,
    )


def test_replacing_needs_the_trainee_at_the_camera(faces_dir):
    proj = builders.project()
    trainee = _on_roster(proj)
    face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    staff = staff_user(Role.PROVIDER_STAFF, provider=proj.provider)
    with pytest.raises(ValidationError, match="替换人脸模板须由学员本人登录后在摄像头前采集"):
        face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama2.jpg").read_bytes(), actor=staff)
    with pytest.raises(ValidationError, match="批量导入不能替换"):
        face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama2.jpg").read_bytes(), source="bulk", actor=staff)
    assert FaceTemplateEvent.objects.filter(trainee=trainee).count() == 1


@pytest.fixture
def enrolled(client, faces_dir):
    """A trainee on a roster, signed in, enrolled with obama.jpg through their camera page."""
    proj = builders.project()
    trainee = _on_roster(proj, enterprise=EnterpriseFactory(region=region_tree()[2]))
    user = trainee_account_create(trainee=trainee, password=PASSWORD)
    client.force_login(user)
    first = client.post(reverse("proctoring:enrol"), {"image": _upload(faces_dir / "obama.jpg")})
    assert first.json()["ok"] is True
    return trainee, user, proj


def _upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg")


def test_a_close_face_from_the_camera_replaces_and_is_recorded(client, faces_dir, enrolled):
    trainee, user, _proj = enrolled
    response = client.post(reverse("proctoring:enrol"), {"image": _upload(faces_dir / "obama2.jpg")})
    assert response.json() == {"ok": True, "message": "人脸采集成功，可以开始在线学习"}
    assert np.allclose(template_for(trainee), faces.reference_encoding((faces_dir / "obama2.jpg").read_bytes()))
    replaced = FaceTemplateEvent.objects.filter(trainee=trainee).first()
    assert (replaced.action, replaced.source, replaced.actor, replaced.reason) == (
        "replaced",
        "camera",
        user,
        "本人重新采集",
    )
    assert 0 < replaced.distance <= faces.tolerance()


def test_a_far_face_waits_for_review_and_takes_effect_only_when_approved(client, faces_dir, enrolled):
    trainee, _user, proj = enrolled
    before = template_for(trainee)
    response = client.post(reverse("proctoring:enrol"), {"image": _upload(faces_dir / "biden.jpg")})
    assert response.json()["held"] is True
    assert "已提交人工复核" in response.json()["message"]
    assert np.array_equal(template_for(trainee), before)  # the old face stays in force
    review = TemplateReview.objects.get(trainee=trainee, status=ReviewStatus.PENDING)
    assert review.distance > faces.tolerance()
    held = FaceTemplateEvent.objects.filter(trainee=trainee).first()
    assert (held.action, held.review, held.distance) == ("held", review, pytest.approx(review.distance, abs=1e-4))

    # the provider may not review; an HR officer of another county does not see it; the one in scope does
    client.force_login(staff_user(Role.PROVIDER_STAFF, provider=proj.provider))
    assert client.get(reverse("proctoring:template-review", args=[review.pk])).status_code == 403
    client.force_login(staff_user(Role.HR_OFFICER, region=region_tree(county=("370503", "河口区"))[2]))
    assert client.get(reverse("proctoring:template-review", args=[review.pk])).status_code == 404
    hr = staff_user(Role.HR_OFFICER, region=region_tree()[2])
    client.force_login(hr)
    home = client.get(reverse("home")).content.decode()
    assert "待复核的人脸模板替换" in home and reverse("proctoring:template-reviews") in home
    assert str(trainee) in client.get(reverse("proctoring:template-reviews")).content.decode()
    page = client.get(reverse("proctoring:template-review", args=[review.pk])).content.decode()
    for photo in (review.old_photo, review.new_photo):
        assert reverse("proctoring:enrolment-photo", args=[photo.pk]) in page
        shown = client.get(reverse("proctoring:enrolment-photo", args=[photo.pk]), {"reason": "模板替换复核"})
        assert shown.status_code == 200
    assert shown.content == (faces_dir / "biden.jpg").read_bytes()
    assert ImageAccessLog.objects.filter(viewer=hr, reason="模板替换复核").count() == 2

    client.post(reverse("proctoring:template-review", args=[review.pk]), {"action": "approve", "reason": "已电话核实"})
    assert np.allclose(template_for(trainee), faces.reference_encoding((faces_dir / "biden.jpg").read_bytes()))
    review.refresh_from_db()
    assert (review.status, review.reviewer, bytes(review.encrypted)) == ("approved", hr, b"")
    approved = FaceTemplateEvent.objects.filter(trainee=trainee).first()
    assert (approved.action, approved.source, approved.actor, approved.reason) == (
        "replaced",
        "review",
        hr,
        "复核通过：已电话核实",
    )


def test_a_rejected_review_keeps_the_old_face(client, faces_dir, enrolled):
    trainee, _user, _proj = enrolled
    before = template_for(trainee)
    client.post(reverse("proctoring:enrol"), {"image": _upload(faces_dir / "biden.jpg")})
    review = TemplateReview.objects.get(trainee=trainee)
    client.force_login(staff_user(Role.HR_OFFICER, region=region_tree()[1]))  # the city's officer sees the county
    refused = client.post(reverse("proctoring:template-review", args=[review.pk]), {"action": "reject", "reason": " "})
    assert "复核理由：必须填写" in refused.content.decode()
    client.post(reverse("proctoring:template-review", args=[review.pk]), {"action": "reject", "reason": "不是本人"})
    assert np.array_equal(template_for(trainee), before)
    assert FaceTemplateEvent.objects.filter(trainee=trainee).first().reason == "复核驳回：不是本人"


def test_the_trainee_home_shows_the_template_history(client, faces_dir, enrolled):
    _trainee, _user, _proj = enrolled
    client.post(reverse("proctoring:enrol"), {"image": _upload(faces_dir / "obama2.jpg")})
    page = client.get(reverse("home")).content.decode()
    assert "我的人脸模板记录" in page
    assert "本人首次采集" in page and "本人重新采集" in page
    replaced = FaceTemplateEvent.objects.filter(action="replaced").get()
    assert f"{replaced.distance:.3f}" in page


def test_withdrawal_is_recorded_in_the_history(client, faces_dir, enrolled):
    trainee, user, _proj = enrolled
    client.post(reverse("proctoring:consent"), {"action": "withdraw"})
    deleted = FaceTemplateEvent.objects.filter(trainee=trainee).first()
    assert (deleted.action, deleted.actor, deleted.reason) == ("deleted", user, "撤回人脸核验同意")
    assert not FaceTemplate.objects.filter(trainee=trainee).exists()


def test_a_new_face_matching_another_trainee_raises_a_proxy_flag_before_study(
    client, faces_dir, django_capture_on_commit_callbacks
):
    proj = builders.project()
    real, stand_in = _on_roster(proj), _on_roster(proj)
    face_enrol(trainee=real, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    job = _bulk_upload(
        client,
        staff_user(Role.PROVIDER_STAFF, provider=proj.provider),
        {f"{stand_in.id_number}.jpg": (faces_dir / "obama2.jpg").read_bytes()},
        django_capture_on_commit_callbacks,
    )
    assert job.counts() == {"enrolled": 1}
    flag = Flag.objects.get()
    assert (flag.kind, flag.session, flag.enrollment.trainee, flag.matched_trainee) == ("proxy", None, stand_in, real)
    assert flag.matched_distance <= faces.tolerance()
    assert flag.template_event == FaceTemplateEvent.objects.get(trainee=stand_in)


def test_a_different_face_raises_no_flag(faces_dir):
    proj = builders.project()
    first, second = _on_roster(proj), _on_roster(proj)
    face_enrol(trainee=first, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    face_enrol(trainee=second, image_bytes=(faces_dir / "alex-lacamoire.png").read_bytes())
    assert not Flag.objects.exists()


@pytest.mark.postgres
def test_the_template_history_is_append_only_in_the_database(faces_dir):
    from django.db import transaction
    from django.db.utils import DatabaseError

    trainee = _on_roster(builders.project())
    face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    event = FaceTemplateEvent.objects.get(trainee=trainee)
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete rows from proctoring_facetemplateevent"),
        transaction.atomic(),
    ):
        FaceTemplateEvent.objects.filter(pk=event.pk).update(reason="改写")
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete rows from proctoring_facetemplateevent"),
        transaction.atomic(),
    ):
        FaceTemplateEvent.objects.filter(pk=event.pk).delete()
    assert FaceTemplateEvent.objects.get(pk=event.pk).reason == "本人首次采集"
