"""QR sign-in and sign-out of an offline session, through the pages: the teacher's screen shows the code, the
trainee's phone opens the URL it encodes, and (where they consented) their face is checked with real photos."""

import datetime
import re
import time
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from proctoring.services.consent import consent_choose_alternative, consent_give
from proctoring.services.enrolment import face_enrol
from tests.proctoring.face_frames import jpeg, webcam_frame
from tests.training import builders
from training.models import Attendance, PersonnelClass
from training.services.checkin import TOKEN_SECONDS, checkin_token
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    """A two-hour session that started an hour ago, of a class with a plan (skipped near midnight)."""
    now = timezone.localtime()
    start = (now - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    if start.date() != now.date() or now.hour >= 23:
        pytest.skip("too close to midnight")
    project = builders.project()
    builders.plan(project, PersonnelClass.SAFETY_MANAGER)
    oc = builders.offline_class(project, PersonnelClass.SAFETY_MANAGER)
    session = builders.session(oc, day=now.date(), start=(start.hour, start.minute), hours="2")
    return project, oc, session, builders.provider_staff(project)


def _trainee(project, oc, photo=None, consent=True):
    enrollment = builders.enrol(project, oc)
    user = trainee_account_create(trainee=enrollment.trainee, password="Pass-word-2024")
    if consent:
        consent_give(trainee=enrollment.trainee)
        if photo is not None:
            face_enrol(trainee=enrollment.trainee, image_bytes=photo.read_bytes())
    else:
        consent_choose_alternative(trainee=enrollment.trainee)
    return enrollment, user


def _code_on_screen(client, staff, session, action="in") -> str:
    """What the teacher's screen encodes right now (the URL inside the inline SVG page)."""
    client.force_login(staff)
    data = client.get(reverse("proctoring:attendance-qr", args=[session.pk]), {"action": action, "format": "json"})
    assert data.json()["svg"].startswith("<svg")
    page = client.get(reverse("proctoring:attendance-qr", args=[session.pk]), {"action": action}).content.decode()
    assert "<svg" in page
    return data.json()["url"]


def _scan(client, user, url):
    """The phone opens the URL (signed in) and gets the check-in page with its ticket."""
    client.force_login(user)
    return client.get(url)


def _ticket(response) -> str:
    return unescape(re.search(r'name="ticket" value="([^"]+)"', response.content.decode()).group(1))


def _frame(path) -> bytes:
    return jpeg(webcam_frame(path))


def test_consented_trainee_signs_in_with_the_same_face(client, running, faces_dir):
    project, oc, session, staff = running
    enrollment, user = _trainee(project, oc, faces_dir / "obama.jpg")
    url = _code_on_screen(client, staff, session)
    page = _scan(client, user, url)
    assert "拍照并签到" in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("frame.jpg", _frame(faces_dir / "obama2.jpg"), content_type="image/jpeg")
    response = client.post(url.split("?")[0], {"ticket": _ticket(page), "image": image})
    assert response.json()["ok"] is True and response.json()["message"].startswith("签到成功")
    attendance = Attendance.objects.get(enrollment=enrollment)
    assert (attendance.sign_in_method, attendance.is_manual, attendance.recorded_by) == ("qr_face", False, user)


def test_consented_trainee_with_another_face_is_refused(client, running, faces_dir):
    project, oc, session, staff = running
    enrollment, user = _trainee(project, oc, faces_dir / "obama.jpg")
    url = _code_on_screen(client, staff, session)
    page = _scan(client, user, url)
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("frame.jpg", _frame(faces_dir / "biden.jpg"), content_type="image/jpeg")
    response = client.post(url.split("?")[0], {"ticket": _ticket(page), "image": image})
    assert response.status_code == 422
    assert response.json() == {"ok": False, "reason": "人脸核验未通过：与本人采集的人脸不符"}
    # and without a photo at all
    response = client.post(url.split("?")[0], {"ticket": _ticket(page)}, HTTP_ACCEPT="application/json")
    assert response.json()["reason"] == "人脸核验：缺少照片"
    assert not Attendance.objects.exists()


def test_consented_trainee_without_a_template_is_sent_to_enrol(client, running):
    project, oc, session, staff = running
    enrollment, user = _trainee(project, oc, photo=None)
    url = _code_on_screen(client, staff, session)
    page = _scan(client, user, url)
    response = client.post(url.split("?")[0], {"ticket": _ticket(page)})
    assert "您已同意人脸核验但尚未采集人脸：请先完成人脸采集，再扫码签到" in response.content.decode()
    assert not Attendance.objects.exists()


def test_non_consented_trainee_signs_in_and_out_by_qr_alone(client, running):
    project, oc, session, staff = running
    enrollment, user = _trainee(project, oc, consent=False)
    url = _code_on_screen(client, staff, session, "in")
    page = _scan(client, user, url)
    assert "确认签到" in page.content.decode() and "camera" not in page.content.decode()
    response = client.post(url.split("?")[0], {"ticket": _ticket(page)})
    assert "签到成功" in response.content.decode()
    url = _code_on_screen(client, staff, session, "out")
    page = _scan(client, user, url)
    response = client.post(url.split("?")[0], {"ticket": _ticket(page)})
    assert "签退成功" in response.content.decode()
    attendance = Attendance.objects.get(enrollment=enrollment)
    assert (attendance.sign_in_method, attendance.sign_out_method, attendance.is_manual) == ("qr", "qr", False)


def test_a_code_older_than_the_rotation_window_is_refused(client, running):
    project, oc, session, staff = running
    enrollment, user = _trainee(project, oc, consent=False)
    old = checkin_token(session_id=session.pk, action="in", now=time.time() - TOKEN_SECONDS - 5)
    url = reverse("proctoring:attendance-scan", args=[session.pk])
    response = _scan(client, user, f"{url}?t={old}")
    assert response.status_code == 400
    assert "二维码已过期（每 30 秒更换）：请扫描屏幕上当前的二维码" in response.content.decode()
    assert 'name="ticket"' not in response.content.decode()


def test_a_forged_code_is_refused(client, running):
    project, oc, session, staff = running
    enrollment, user = _trainee(project, oc, consent=False)
    url = _code_on_screen(client, staff, session)
    forged = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    response = _scan(client, user, forged)
    assert response.status_code == 400 and "二维码无效：签名不符" in response.content.decode()
    # a ticket made up by the client is refused too
    response = client.post(url.split("?")[0], {"ticket": "made-up"})
    assert "二维码无效：签名不符" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_code_of_another_session_is_refused(client, running):
    project, oc, session, staff = running
    other = builders.session(oc, day=session.date, start=(0, 0), end=(0, 30))
    enrollment, user = _trainee(project, oc, consent=False)
    other_url = _code_on_screen(client, staff, other)
    token = other_url.split("?t=")[1]
    url = reverse("proctoring:attendance-scan", args=[session.pk])
    response = _scan(client, user, f"{url}?t={token}")
    assert response.status_code == 400
    assert "该二维码属于另一课次，不能用于本课次签到" in response.content.decode()


def test_a_trainee_not_in_the_class_is_refused(client, running):
    project, oc, session, staff = running
    other_class = builders.offline_class(project, PersonnelClass.SAFETY_MANAGER)
    enrollment, user = _trainee(project, other_class, consent=False)
    url = _code_on_screen(client, staff, session)
    assert _scan(client, user, url).status_code == 404  # not in scope: the session does not exist for them
    assert client.post(url.split("?")[0], {"ticket": "x"}).status_code == 404
    assert not Attendance.objects.exists()


def test_a_ticket_of_another_trainee_is_refused(client, running):
    project, oc, session, staff = running
    _, first = _trainee(project, oc, consent=False)
    _, second = _trainee(project, oc, consent=False)
    url = _code_on_screen(client, staff, session)
    ticket = _ticket(_scan(client, first, url))
    client.force_login(second)
    response = client.post(url.split("?")[0], {"ticket": ticket})
    assert "二维码无效：不属于本课次或本人" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_qr_screen_is_for_the_providers_staff_only(client, running):
    project, oc, session, staff = running
    _, user = _trainee(project, oc, consent=False)
    client.force_login(user)
    response = client.get(reverse("proctoring:attendance-qr", args=[session.pk]))
    assert response.status_code in (403, 404)
    other_staff = builders.provider_staff(builders.project())
    client.force_login(other_staff)
    assert client.get(reverse("proctoring:attendance-qr", args=[session.pk])).status_code == 404


def test_before_the_start_the_screen_shows_no_code(client, running):
    project, oc, session, staff = running
    ahead = builders.session(oc, day=timezone.localdate() + datetime.timedelta(days=60))
    client.force_login(staff)
    data = client.get(reverse("proctoring:attendance-qr", args=[ahead.pk]), {"format": "json"}).json()
    assert (data["started"], data["svg"]) == (False, "")


def test_the_code_on_screen_encodes_the_check_in_url(client, running):
    import segno

    project, oc, session, staff = running
    client.force_login(staff)
    data = client.get(reverse("proctoring:attendance-qr", args=[session.pk]), {"format": "json"}).json()
    assert data["url"].startswith(f"http://testserver/attendance/sessions/{session.pk}/scan/?t={session.pk}.in.")
    assert data["svg"] == segno.make(data["url"], error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")
    assert data["seconds"] == TOKEN_SECONDS


def test_the_scanner_page_is_for_trainees(client, running):
    project, oc, session, staff = running
    _, user = _trainee(project, oc, consent=False)
    client.force_login(user)
    page = client.get(reverse("proctoring:attendance-scanner")).content.decode()
    assert "js/attendance_scan.js" in page and "直接用手机相机扫描二维码" in page
    client.force_login(staff)
    assert client.get(reverse("proctoring:attendance-scanner")).status_code == 403
