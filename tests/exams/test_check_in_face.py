"""Exam-site check-in: by face where the candidate consented (the staff device's camera frame checked through
proctoring's one check path against the candidate's template, real photos), the ID check alone otherwise."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exams.models import CheckIn
from exams.services.sittings import check_in
from proctoring.services.consent import consent_choose_alternative, consent_give
from proctoring.services.enrolment import face_enrol
from tests.exams import support
from tests.factories import staff_user
from tests.proctoring.face_frames import jpeg, webcam_frame
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(faces_dir):
    course = support.Course()
    sitting = support.sitting(course.project)
    staff = staff_user(Role.EM_OFFICER, region=course.project.region)
    sitting.staff.add(staff)
    consenting = course.enrol()
    consent_give(trainee=consenting.trainee)
    face_enrol(trainee=consenting.trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    return course, sitting, staff, consenting


def test_service_checks_in_the_same_person_and_refuses_another(site, faces_dir):
    course, sitting, staff, enrollment = site
    other = jpeg(webcam_frame(faces_dir / "biden.jpg"))
    kw = {"sitting": sitting, "id_number": enrollment.trainee.id_number, "staff_user": staff}
    with pytest.raises(ValidationError) as refused:
        check_in(image_bytes=other, **kw)
    assert "人脸核验未通过（mismatch）：与该考生的人脸模板不符，请核验身份证件" in refused.value.messages
    assert not CheckIn.objects.exists()
    done = check_in(image_bytes=jpeg(webcam_frame(faces_dir / "obama2.jpg")), **kw)
    assert done.by_face is True and done.enrollment == enrollment


def test_face_is_never_used_without_consent(site, faces_dir):
    course, sitting, staff, _ = site
    enrollment = course.enrol()
    consent_choose_alternative(trainee=enrollment.trainee)
    with pytest.raises(ValidationError, match="该考生未同意人脸识别，请核验身份证"):
        check_in(
            sitting=sitting,
            id_number=enrollment.trainee.id_number,
            staff_user=staff,
            image_bytes=jpeg(webcam_frame(faces_dir / "obama2.jpg")),
        )


def test_page_offers_the_camera_only_to_a_consenting_candidate(site, faces_dir, client):
    course, sitting, staff, enrollment = site
    client.force_login(staff)
    url = reverse("exams:check-in", args=[sitting.pk])
    step = client.post(url, {"step": "lookup", "id_number": enrollment.trainee.id_number}).content.decode()
    assert 'id="camera"' in step and "仅核验身份证并签到" in step and not CheckIn.objects.exists()
    refused = client.post(
        url,
        {
            "id_number": enrollment.trainee.id_number,
            "image": SimpleUploadedFile("f.jpg", jpeg(webcam_frame(faces_dir / "biden.jpg")), "image/jpeg"),
        },
    )
    assert refused.status_code == 422 and "与该考生的人脸模板不符" in refused.json()["reason"]
    passed = client.post(
        url,
        {
            "id_number": enrollment.trainee.id_number,
            "image": SimpleUploadedFile("f.jpg", jpeg(webcam_frame(faces_dir / "obama2.jpg")), "image/jpeg"),
        },
    )
    assert passed.json() == {"ok": True, "message": f"已签到（人脸核验）：{enrollment.trainee.name}"}
    assert CheckIn.objects.get(enrollment=enrollment).by_face is True

    without = course.enrol()
    consent_choose_alternative(trainee=without.trainee)
    page = client.post(url, {"step": "lookup", "id_number": without.trainee.id_number}, follow=True)
    assert 'id="camera"' not in page.content.decode()
    assert f"已签到（身份证核验）：{without.trainee.name}" in " ".join(str(m) for m in page.context["messages"])
    assert CheckIn.objects.get(enrollment=without).by_face is False
