"""Spot checks (随机抽查): a reproducible random draw of a project's held sessions and learners, the head count
recorded against the attendance the provider recorded, evidence with the project's image checks, and scope: an
auditor sees only the projects assigned to them (anything else is a 404)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.models import SampleDraw, SpotCheck
from oversight.rules.spotchecks import draw_ids
from oversight.services.spotchecks import sample_draw, sample_redraw, spot_check_record
from tests.oversight.audit_support import Audit, photo
from tests.training import builders

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 6, 1)


@pytest.fixture
def audit():
    return Audit()


def test_draw_is_stored_and_redrawn_from_its_seed(audit, settings):
    settings.OVERSIGHT_SAMPLE_SESSIONS, settings.OVERSIGHT_SAMPLE_LEARNERS = 2, 3
    draw = sample_draw(project=audit.project, user=audit.auditor)
    assert (draw.session_size, draw.learner_size) == (2, 3)  # the sizes come from the settings
    assert len(draw.session_ids) == 2 and len(draw.enrollment_ids) == 3
    assert set(draw.session_ids) <= {s.pk for s in audit.sessions}
    assert set(draw.enrollment_ids) <= {e.pk for e in audit.enrollments}
    # more people and sessions after the draw do not change what its seed draws
    audit.fund.enrol(complete=False, passed=False)
    builders.session(audit.fund.oc, day=datetime.date(2024, 5, 30))
    stored = SampleDraw.objects.get(pk=draw.pk)
    assert sample_redraw(stored) == (draw.session_ids, draw.enrollment_ids)
    # the same seed over the same population draws the same; another seed (almost surely) not in the same order
    again = sample_draw(project=audit.project, user=audit.auditor, seed=draw.seed, session_size=2, learner_size=3)
    population = [e.pk for e in audit.enrollments]
    assert draw_ids(seed=draw.seed, population=list(reversed(population)), size=3) == draw.enrollment_ids
    assert again.session_ids != [] and again.seed == draw.seed


def test_draw_takes_everyone_when_the_population_is_smaller_than_the_sample(audit):
    draw = sample_draw(project=audit.project, user=audit.auditor, session_size=50, learner_size=50)
    assert sorted(draw.session_ids) == sorted(s.pk for s in audit.sessions)
    assert sorted(draw.enrollment_ids) == sorted(e.pk for e in audit.enrollments)


def test_draw_page_says_the_redraw_agrees(client, audit):
    client.force_login(audit.auditor)
    client.post(f"/audits/projects/{audit.project.pk}/draw/")
    draw = SampleDraw.objects.get()
    page = client.get(f"/audits/projects/{audit.project.pk}/").content.decode()
    assert str(draw.seed) in page and "记录抽查" in page and "记录回访" in page
    detail = client.get(f"/audits/draws/{draw.pk}/").content.decode()
    assert "结果一致：抽样未经人为挑选" in detail


def test_spot_check_keeps_the_recorded_attendance_beside_the_head_count(client, audit):
    session = audit.sessions[0]  # all four trainees signed in on the record (Fund.complete)
    check = spot_check_record(
        session=session, user=audit.auditor, checked_on=DAY, present=2, absent=2, finding="serious",
        notes="名单4人均有签到记录，现场只有2人，疑似代签到",
    )  # fmt: skip
    assert (check.present, check.absent, check.recorded_present, check.roster_size, check.gap) == (2, 2, 4, 4, 2)
    client.force_login(audit.auditor)
    page = client.get(f"/audits/sessions/{session.pk}/check/").content.decode()
    assert 'id="recorded-present">4<' in page and "多记2人" in page and "疑似代签到" in page


def test_spot_check_refuses_more_people_than_the_roster_and_findings_without_words(audit):
    session = audit.sessions[0]
    with pytest.raises(ValidationError) as exc:
        spot_check_record(session=session, user=audit.auditor, checked_on=DAY, present=4, absent=1, finding="none")
    assert exc.value.messages == ["实到4人加缺勤1人共5人，超过班级名单4人"]
    with pytest.raises(ValidationError, match="发现问题时请写明问题"):
        spot_check_record(session=session, user=audit.auditor, checked_on=DAY, present=4, absent=0, finding="minor")
    assert not SpotCheck.objects.exists()


def test_evidence_photo_is_checked_for_size_and_pixels(client, audit, settings):
    session = audit.sessions[0]
    client.force_login(audit.auditor)
    url = f"/audits/sessions/{session.pk}/check/"
    form = {"checked_on": "2024-06-01", "present": 4, "absent": 0, "finding": "minor", "notes": "签到表字迹相同"}
    settings.FACE_IMAGE_MAX_PIXELS = 1000
    page = client.post(url, {**form, "evidence": photo((50, 40))}, follow=True).content.decode()
    assert "图像尺寸过大（50×40，上限1000像素）" in page and not SpotCheck.objects.exists()
    text = client.post(url, {**form, "evidence": photo(name="a.png", fmt="GIF")}, follow=True).content.decode()
    assert "只接受JPEG或PNG图像" in text and not SpotCheck.objects.exists()
    client.post(url, {**form, "evidence": photo((30, 20))})
    check = SpotCheck.objects.get()
    assert check.evidence and check.draw is None
    served = client.get(f"/audits/evidence/spot-check/{check.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content)[:4] == b"\x89PNG"


def test_auditor_sees_only_their_projects(client, audit):
    other = audit.other
    other_session = other.sessions[0]
    draw = sample_draw(project=other.project, user=audit.other_auditor)
    spot_check_record(session=other_session, user=audit.other_auditor, checked_on=DAY, present=0, absent=1,
                      finding="none")  # fmt: skip
    client.force_login(audit.auditor)
    home = client.get("/audits/").content.decode()
    assert audit.project.code in home and other.project.code not in home
    for url in (
        f"/audits/projects/{other.project.pk}/",
        f"/audits/draws/{draw.pk}/",
        f"/audits/sessions/{other_session.pk}/check/",
        f"/audits/learners/{audit.other_enrollment.pk}/revisit/",
        f"/audits/evidence/spot-check/{SpotCheck.objects.get().pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/audits/projects/{other.project.pk}/draw/").status_code == 404
    with pytest.raises(PermissionDenied):
        sample_draw(project=other.project, user=audit.auditor)
    with pytest.raises(PermissionDenied):
        spot_check_record(session=other_session, user=audit.auditor, checked_on=DAY, present=1, absent=0,
                          finding="none")  # fmt: skip


def test_hr_reads_spot_checks_but_does_not_record_them(client, audit):
    session = audit.sessions[0]
    client.force_login(audit.hr)
    assert client.get(f"/audits/sessions/{session.pk}/check/").status_code == 200
    form = {"checked_on": "2024-06-01", "present": 4, "absent": 0, "finding": "none"}
    assert client.post(f"/audits/sessions/{session.pk}/check/", form).status_code == 403
    assert client.post(f"/audits/projects/{audit.project.pk}/draw/").status_code == 403
    assert not SpotCheck.objects.exists() and not SampleDraw.objects.exists()


def test_the_audit_pages_fit_a_phone_and_say_what_to_do(client, audit):
    client.force_login(audit.auditor)
    for url in (
        "/audits/",
        f"/audits/projects/{audit.project.pk}/",
        f"/audits/sessions/{audit.sessions[0].pk}/check/",
    ):
        html = client.get(url).content.decode()
        assert "现在要做" in html and 'class="cards"' in html
