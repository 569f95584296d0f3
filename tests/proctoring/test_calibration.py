"""Calibrating the face tolerance: `face_check --pairs` on labelled photos, the tolerance as rule data, and the HR
page 人脸核验校准 over reviewed flags, all on the real photos of ../shared/faces."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from proctoring import faces
from proctoring.models import FaceTolerance, Flag
from proctoring.services import study
from proctoring.services.flags import flag_review
from proctoring.services.tolerance import face_tolerance_set
from tests.factories import region_tree, staff_user
from tests.proctoring import study_support as support
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.training import builders
from training.roles import Role

pytestmark = pytest.mark.django_db

PAIRS = """enrolled,probe,same
obama.jpg,obama2.jpg,1
obama.jpg,obama3.jpg,1
obama.jpg,obama-480p.jpg,是
obama.jpg,obama_partial_face.jpg,1
biden.jpg,biden2.jpg,1
obama.jpg,biden.jpg,0
obama.jpg,biden2.jpg,否
biden.jpg,obama2.jpg,0
alex-lacamoire.png,obama.jpg,0
alex-lacamoire.png,biden.jpg,0
obama.jpg,two_people.jpg,0
"""
# Distances on these photos (enrolment gate, then the live check): same person 0.05–0.40, different people
# 0.803 (alex/obama) to 0.888; two_people.jpg shows two faces, so that pair has no distance.


@pytest.fixture
def pairs_csv(faces_dir, tmp_path):
    lines = PAIRS.splitlines()
    body = [
        ",".join(str(faces_dir / v) if v.endswith((".jpg", ".png")) else v for v in line.split(","))
        for line in lines[1:]
    ]
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    return path


def _pairs(path) -> dict:
    out = StringIO()
    call_command("face_check", "--pairs", str(path), stdout=out)
    assert len(out.getvalue().strip().splitlines()) == 1
    return json.loads(out.getvalue())


def _set(user, value, *, days=0, reason="本地复核数据校准"):
    return face_tolerance_set(
        user=user, value=value, effective_from=timezone.localdate() + datetime.timedelta(days=days), reason=reason
    )


@pytest.fixture
def province_hr():
    return staff_user(Role.HR_OFFICER, region=region_tree()[0])


def test_pairs_at_the_default_tolerance(pairs_csv):
    assert _pairs(pairs_csv) == {
        "tolerance": 0.6,
        "pairs": 11,
        "same_pairs": 5,
        "different_pairs": 5,
        "unusable_pairs": 1,
        "false_accepts": 0,
        "false_rejects": 0,
        "false_accept_rate": 0.0,
        "false_reject_rate": 0.0,
        "no_false_accept_tolerance": 0.803,
        "false_rejects_at_no_false_accept": 0,
        "false_reject_rate_at_no_false_accept": 0.0,
    }


def test_pairs_read_the_tolerance_in_force(pairs_csv, province_hr):
    _set(province_hr, "0.35")
    report = _pairs(pairs_csv)
    assert report["tolerance"] == 0.35
    assert (report["false_rejects"], report["false_reject_rate"]) == (2, 0.4)  # obama3 0.341 passes, obama2 0.355 not
    _set(province_hr, "0.81", days=0)
    report = _pairs(pairs_csv)
    assert (report["false_accepts"], report["false_accept_rate"], report["false_rejects"]) == (1, 0.2, 0)


def test_pairs_file_errors_exit_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\nx,y,1\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("face_check", "--pairs", str(bad), stderr=err)
    assert exit_info.value.code == 2 and "header enrolled,probe,same" in err.getvalue()
    bad.write_text("enrolled,probe,same\nx.jpg,y.jpg,maybe\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("face_check", "--pairs", str(bad), stderr=err)
    assert "line 2: same must be 1/0 or 是/否" in err.getvalue()


def test_tolerance_is_rule_data_with_an_effective_date(province_hr, faces_dir, settings):
    settings.FACE_TOLERANCE = 0.6
    assert faces.tolerance() == 0.6  # no row: the setting is the default
    row = _set(province_hr, "0.55", days=3)
    assert row.changed_by == province_hr and row.reason == "本地复核数据校准"
    assert faces.tolerance() == 0.6  # not in force yet
    assert faces.tolerance(on=timezone.localdate() + datetime.timedelta(days=3)) == 0.55
    _set(province_hr, "0.3")
    reference = faces.reference_encoding(faces_dir / "obama.jpg")
    check = faces.check_face(reference, jpeg_bytes(camera_frame(faces_dir / "obama2.jpg")))
    assert check.distance > 0.3 and check.verdict == faces.Verdict.MISMATCH  # the one check path reads the row


def test_only_a_provincial_officer_sets_it_forward_with_a_reason(province_hr):
    _province, city, _county = region_tree()
    with pytest.raises(PermissionDenied, match="仅省级人力资源社会保障部门或系统管理员"):
        _set(staff_user(Role.HR_OFFICER, region=city), "0.55")
    with pytest.raises(PermissionDenied):
        _set(staff_user(Role.EM_OFFICER, region=region_tree()[0]), "0.55")
    with pytest.raises(ValidationError) as error:
        _set(province_hr, "0.95", days=-1, reason=" ")
    assert error.value.message_dict == {
        "value": ["阈值：须在0.20到0.90之间"],
        "effective_from": ["生效日期：不能早于今天（已做的核验不改变）"],
        "reason": ["调整理由：必须填写"],
    }
    assert not FaceTolerance.objects.exists()


@pytest.fixture
def reviewed(faces_dir, province_hr, django_capture_on_commit_callbacks):
    """Two reviewed mismatch flags on one project: Biden studying for Obama (confirmed, two people), and Obama
    refused at a strict tolerance of 0.30 (dismissed, the same person)."""
    proj = builders.project()
    lesson = support.lesson(proj)
    obama = support.student(proj, faces_dir / "obama.jpg")
    session, _ = study.study_session_start(trainee=obama.trainee, lesson=lesson)
    _set(province_hr, "0.3")
    for photo, index, recheck in (("biden.jpg", 0, False), ("obama2.jpg", 3, True)):  # the second answers the first
        snap = study.snapshot_request(session_id=session.pk, covers_until=0, recheck=recheck)
        with django_capture_on_commit_callbacks(execute=True):
            study.snapshot_upload(
                snapshot_id=snap.pk, user=obama, image_bytes=jpeg_bytes(camera_frame(faces_dir / photo, index=index))
            )
    reviewer = staff_user(Role.HR_OFFICER, region=region_tree()[1])
    biden_flag, obama_flag = Flag.objects.order_by("pk")
    flag_review(flag=biden_flag, reviewer=reviewer, confirm=True, reason="他人代学")
    flag_review(flag=obama_flag, reviewer=reviewer, confirm=False, reason="本人，光线较暗")
    return proj


def test_calibration_page_shows_what_another_tolerance_would_change(client, reviewed, province_hr):
    client.force_login(province_hr)
    response = client.get(reverse("proctoring:face-calibration"), {"tolerance": "0.6"})
    assert response.status_code == 200
    data = response.context["data"]
    assert (data["two_people"], data["same_person"]) == (1, 1)
    assert (data["flags_avoided"], data["proxies_missed"]) == (1, 0)
    assert data["now"]["false_rejects"] == 1 and data["proposed"]["false_rejects"] == 0
    provider = data["by_provider"][0]
    assert (provider["name"], provider["attempts"], provider["rejects"], provider["rejects_proposed"]) == (
        reviewed.provider.name, 1, 1, 0,
    )  # fmt: skip
    page = response.content.decode()
    assert 'id="calibration-chart"' in page and "vendor/echarts/echarts.min.js" in page
    assert "可避免的异常" in page and 'id="set-tolerance"' in page

    response = client.post(
        reverse("proctoring:face-calibration"),
        {"value": "0.58", "effective_from": timezone.localdate().isoformat(), "reason": "复核：误拒集中在夜班"},
    )
    assert response.status_code == 302
    assert faces.tolerance() == 0.58
    assert FaceTolerance.objects.first().changed_by == province_hr


def test_calibration_page_needs_the_permission(client, reviewed):
    client.force_login(staff_user(Role.PROVIDER_STAFF, provider=reviewed.provider))
    assert client.get(reverse("proctoring:face-calibration")).status_code == 403
    city_hr = staff_user(Role.HR_OFFICER, region=region_tree()[1])
    client.force_login(city_hr)
    response = client.get(reverse("proctoring:face-calibration"))
    assert response.status_code == 200 and 'id="set-tolerance"' not in response.content.decode()
    response = client.post(
        reverse("proctoring:face-calibration"),
        {"value": "0.7", "effective_from": timezone.localdate().isoformat(), "reason": "x"},
    )
    assert not FaceTolerance.objects.filter(value="0.7").exists()
