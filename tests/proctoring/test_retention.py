"""Retention: enrolment photos are deleted after BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS; templates stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from proctoring.models import EnrolmentPhoto, FaceTemplate
from proctoring.selectors import face_data_count
from proctoring.services.consent import consent_give, consent_withdraw
from proctoring.services.enrolment import face_enrol
from proctoring.services.retention import purge_expired
from tests.factories import TraineeFactory, region_tree, staff_user
from training.roles import Role

pytestmark = pytest.mark.django_db


def enrolled(faces_dir, photo="obama.jpg", **kwargs):
    trainee = TraineeFactory(**kwargs)
    consent_give(trainee=trainee)
    face_enrol(trainee=trainee, image_bytes=(faces_dir / photo).read_bytes())
    return trainee


def test_purge_deletes_photos_at_their_expiry_only(faces_dir):
    trainee = enrolled(faces_dir)
    photo = EnrolmentPhoto.objects.get(trainee=trainee)

    assert purge_expired(now=photo.expires_at - timedelta(seconds=1))["enrolment_photos"] == 0
    assert EnrolmentPhoto.objects.filter(pk=photo.pk).exists()

    assert purge_expired(now=photo.expires_at)["enrolment_photos"] == 1
    assert not EnrolmentPhoto.objects.filter(pk=photo.pk).exists()
    assert FaceTemplate.objects.filter(trainee=trainee).exists()  # the template stays until consent is withdrawn


def test_purge_command_prints_counts(faces_dir):
    enrolled(faces_dir)
    EnrolmentPhoto.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("purge_biometrics", stdout=out)
    lines = out.getvalue().splitlines()
    assert "enrolment_photos: 1" in lines
    assert lines[-1].startswith("total: ")
    assert not EnrolmentPhoto.objects.exists()


def test_beat_schedule_runs_the_purge():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-biometrics"]
    assert entry["task"] == "proctoring.tasks.purge_biometrics_task"
    from proctoring.tasks import purge_biometrics_task

    assert purge_biometrics_task.name == entry["task"]
    assert purge_biometrics_task.delay().get()["enrolment_photos"] == 0


def test_face_data_count_is_people_in_scope(faces_dir):
    _province, city, county = region_tree()
    other_county = region_tree(county=("370503", "河口区"))[2]
    here = enrolled(faces_dir)
    enrolled(faces_dir, photo="biden.jpg")
    from tests.factories import EnterpriseFactory

    elsewhere = enrolled(faces_dir, enterprise=EnterpriseFactory(region=other_county))
    hr_county = staff_user(Role.HR_OFFICER, region=county)
    hr_city = staff_user(Role.HR_OFFICER, region=city)
    assert here.enterprise.region == county
    assert face_data_count(hr_county) == 2
    assert face_data_count(hr_city) == 3
    consent_withdraw(trainee=elsewhere)
    assert face_data_count(hr_city) == 2


def test_image_access_log_needs_a_reviewer_and_a_reason():
    from django.core.exceptions import PermissionDenied, ValidationError

    from proctoring.services.audit import image_access_log

    county = region_tree()[2]
    reviewer = staff_user(Role.AUDITOR)
    with pytest.raises(ValidationError, match="查看原因：必填"):
        image_access_log(viewer=reviewer, image_kind="snapshot", image_id=1, reason="  ")
    with pytest.raises(PermissionDenied, match="只有复核人员可以查看人脸图像"):
        image_access_log(
            viewer=staff_user(Role.SI_OFFICER, region=county), image_kind="snapshot", image_id=1, reason="看看"
        )
    row = image_access_log(
        viewer=reviewer, image_kind="snapshot", image_id=7, reason="复核异常", ip_address="10.0.0.2"
    )
    assert (row.image_kind, row.image_id, row.reason, row.ip_address) == ("snapshot", 7, "复核异常", "10.0.0.2")


def test_hr_officers_home_shows_how_many_peoples_face_data_is_held(faces_dir, client):
    _province, city, _county = region_tree()
    enrolled(faces_dir)
    enrolled(faces_dir, photo="biden.jpg")
    client.force_login(staff_user(Role.HR_OFFICER, region=city))
    page = client.get("/")
    panel = next(p for p in page.context["panels"] if p["label"] == "持有人脸数据的人数")
    assert panel["value"] == 2
    assert "持有人脸数据的人数" in page.content.decode()

    client.force_login(staff_user(Role.SI_OFFICER, region=city))  # pays, does not oversee biometrics
    assert all(p["label"] != "持有人脸数据的人数" for p in client.get("/").context["panels"])
