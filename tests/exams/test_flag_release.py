"""A flagged exam attempt is graded but its pass is held: the reviewer dismissing the flag releases the pass
exactly as an unflagged pass (enrolment passed, certificate issued); confirming keeps it held, never certified."""

import pytest
from django.urls import reverse

from exams.models import Certificate, SittingMode
from exams.services.attempts import attempt_start
from exams.services.proctor import focus_lost
from proctoring.models import Flag
from proctoring.services.flags import flag_review
from tests.exams import support
from tests.exams.test_attempts import _answer_all
from tests.factories import staff_user
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(settings):
    """A candidate who answered everything right but lost focus up to the limit: submitted, passed, flagged."""
    settings.EXAM_MAX_INCIDENTS = 2
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project, mode=SittingMode.ONLINE)
    enrollment = course.enrol()
    attempt = attempt_start(enrollment=enrollment, sitting=sitting, face_passed=True)
    _answer_all(attempt)
    kw = {"attempt_id": attempt.pk, "trainee_id": enrollment.trainee_id, "tab_token": attempt.tab_token}
    focus_lost(what="blur", seconds=3, **kw)
    assert focus_lost(what="hidden", seconds=5, **kw)["submitted"] is True
    attempt.refresh_from_db()
    assert (attempt.passed, attempt.flagged, attempt.score) == (True, True, 100)
    enrollment.refresh_from_db()
    assert enrollment.exam_passed_on is None and not Certificate.objects.filter(enrollment=enrollment).exists()
    reviewer = staff_user(Role.EM_OFFICER, region=course.project.region)
    return attempt, enrollment, Flag.objects.get(enrollment=enrollment, kind="exam"), reviewer


def test_dismissed_flag_releases_the_held_pass_through_the_service(flagged):
    attempt, enrollment, flag, reviewer = flagged
    flag_review(flag=flag, reviewer=reviewer, confirm=False, reason="网络波动导致切屏，非作弊")
    enrollment.refresh_from_db()
    assert enrollment.exam_passed_on == attempt.submitted_at.astimezone().date()
    assert enrollment.exam_score == 100
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert (certificate.status, certificate.attempt_id, certificate.score) == ("valid", attempt.pk, 100)


def test_dismissing_on_the_flag_page_issues_the_certificate(flagged, client):
    attempt, enrollment, flag, reviewer = flagged
    client.force_login(reviewer)
    url = reverse("proctoring:flag-detail", args=[flag.pk])
    step = client.post(url, {"action": "dismiss", "reason": "网络波动"}).content.decode()
    assert "排除这条异常？" in step and not Certificate.objects.filter(enrollment=enrollment).exists()
    client.post(url, {"action": "dismiss", "reason": "网络波动", "confirmed": "1"})
    assert Flag.objects.get(pk=flag.pk).status == "dismissed"
    assert Certificate.objects.get(enrollment=enrollment).status == "valid"
    enrollment.refresh_from_db()
    assert enrollment.exam_score == 100


def test_confirmed_flag_keeps_the_pass_held_and_never_issues(flagged, client):
    attempt, enrollment, flag, reviewer = flagged
    client.force_login(reviewer)
    url = reverse("proctoring:flag-detail", args=[flag.pk])
    client.post(url, {"action": "confirm", "reason": "监控确认他人代考", "confirmed": "1"})
    assert Flag.objects.get(pk=flag.pk).status == "confirmed"
    assert not Certificate.objects.filter(enrollment=enrollment).exists()
    enrollment.refresh_from_db()
    assert enrollment.exam_passed_on is None


def test_dismissed_flag_of_a_failed_attempt_stays_failed(settings):
    settings.EXAM_MAX_INCIDENTS = 1
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project, mode=SittingMode.ONLINE)
    enrollment = course.enrol()
    attempt = attempt_start(enrollment=enrollment, sitting=sitting, face_passed=True)
    _answer_all(attempt, right=False)
    focus_lost(
        attempt_id=attempt.pk, trainee_id=enrollment.trainee_id, tab_token=attempt.tab_token, what="blur", seconds=3
    )
    flag = Flag.objects.get(enrollment=enrollment, kind="exam")
    reviewer = staff_user(Role.EM_OFFICER, region=course.project.region)
    flag_review(flag=flag, reviewer=reviewer, confirm=False, reason="误报")
    assert not Certificate.objects.filter(enrollment=enrollment).exists()
    enrollment.refresh_from_db()
    assert enrollment.exam_passed_on is None


def test_upheld_appeal_against_a_confirmed_flag_releases_the_pass(flagged):
    from proctoring.services.flags import flag_appeal, flag_appeal_decide
    from training.services.people import trainee_account_create

    attempt, enrollment, flag, reviewer = flagged
    flag_review(flag=flag, reviewer=reviewer, confirm=True, reason="疑似他人代考")
    assert not Certificate.objects.filter(enrollment=enrollment).exists()
    trainee = trainee_account_create(trainee=enrollment.trainee, password="Pass-word-2024")
    flag_appeal(flag=flag, user=trainee, text="本人参考，切屏是因为网络断开")
    second = staff_user(Role.HR_OFFICER, region=enrollment.project.region)
    flag_appeal_decide(flag=flag, user=second, upheld=True, reason="核实为网络问题")
    assert Certificate.objects.get(enrollment=enrollment).status == "valid"
    enrollment.refresh_from_db()
    assert enrollment.exam_score == 100
