"""Online proctoring of the exam: the opening face check through proctoring's path with real photos, the
alternative for a trainee without consent, focus losses logged and the limit that submits and flags the attempt
into proctoring's flag review; a confirmed flag revokes the certificate. Blueprints the bank cannot fill."""

import pytest
from django.core.exceptions import ValidationError

from exams.models import AttemptEvent, SittingMode
from exams.services.attempts import ExamRefused, attempt_start
from exams.services.papers import Cell, blueprint_save
from exams.services.proctor import NO_CONSENT, face_check_during, face_verify, focus_lost
from proctoring.models import Flag
from proctoring.services.consent import consent_choose_alternative, consent_give
from proctoring.services.enrolment import face_enrol
from proctoring.services.flags import flag_review
from tests.exams import support
from tests.factories import staff_user
from tests.proctoring.face_frames import jpeg, webcam_frame
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(faces_dir):
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project, mode=SittingMode.ONLINE)
    enrollment = course.enrol()
    consent_give(trainee=enrollment.trainee)
    face_enrol(trainee=enrollment.trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    return course, sitting, enrollment


def test_opening_face_check_passes_for_the_person_and_fails_for_another(online, faces_dir):
    course, sitting, enrollment = online
    same = jpeg(webcam_frame(faces_dir / "obama2.jpg"))
    other = jpeg(webcam_frame(faces_dir / "biden.jpg"))
    assert face_verify(trainee=enrollment.trainee, image_bytes=other)[0] is False
    passed, detail = face_verify(trainee=enrollment.trainee, image_bytes=same)
    assert passed and detail["verdict"] == "match"
    attempt = attempt_start(enrollment=enrollment, sitting=sitting, face_passed=passed)
    assert list(AttemptEvent.objects.filter(attempt=attempt).values_list("kind", flat=True)) == ["start", "face"]
    result = face_check_during(
        attempt_id=attempt.pk, trainee_id=enrollment.trainee_id, tab_token=attempt.tab_token, image_bytes=other
    )
    assert result["passed"] is False and result["submitted"] is False
    attempt.refresh_from_db()
    assert attempt.incidents == 1


def test_without_consent_the_face_check_is_never_forced(online):
    course, sitting, _ = online
    enrollment = course.enrol()
    consent_choose_alternative(trainee=enrollment.trainee)
    with pytest.raises(ExamRefused, match="请选择到考点参加考试"):
        face_verify(trainee=enrollment.trainee, image_bytes=b"")
    assert NO_CONSENT.startswith("您未同意人脸识别")


def test_focus_losses_are_logged_and_the_limit_submits_and_flags(online, settings):
    settings.EXAM_MAX_INCIDENTS = 3
    course, sitting, enrollment = online
    attempt = attempt_start(enrollment=enrollment, sitting=sitting, face_passed=True)
    kw = {"attempt_id": attempt.pk, "trainee_id": enrollment.trainee_id, "tab_token": attempt.tab_token}
    assert focus_lost(what="fullscreen", seconds=4.26, **kw) == {"submitted": False, "incidents": 1}
    focus_lost(what="blur", seconds=2, **kw)
    assert focus_lost(what="hidden", seconds=9, **kw)["submitted"] is True
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submit_reason, attempt.flagged) == ("submitted", "proctoring", True)
    focus = AttemptEvent.objects.filter(attempt=attempt, kind="focus").order_by("seq").first()
    assert focus.data == {"what": "fullscreen", "seconds": 4.3}
    flag = Flag.objects.get(enrollment=enrollment)
    assert flag.kind == "exam" and flag.exam_ref == f"exam-attempt:{attempt.pk}"
    assert flag.note == "考试中离开页面或退出全屏达到3次，已强制交卷"


def test_confirmed_exam_flag_revokes_the_certificate(online):
    from django.utils import timezone

    from exams.services.certificates import certificate_issue
    from proctoring.services.flags import flag_raise_exam

    course, sitting, enrollment = online
    certificate = certificate_issue(enrollment=enrollment, score=88, on=timezone.localdate())
    flag = flag_raise_exam(enrollment_id=enrollment.pk, exam_ref="exam-attempt:1", note="代考")
    reviewer = staff_user(Role.EM_OFFICER, region=course.project.region)
    flag_review(flag=flag, reviewer=reviewer, confirm=True, reason="监控录像确认他人代考")
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revoked_reason == f"经审核确认考试监考异常（异常记录 #{flag.pk}）"
    enrollment.refresh_from_db()
    assert enrollment.exam_passed_on is None


def test_blueprint_the_bank_cannot_fill_is_refused_naming_the_cell():
    course = support.Course()
    support.bank(single=12, multiple=6, judge=22)
    cells = [*support.CELLS, Cell("single", "重大危险源管理", "hard", 3)]
    with pytest.raises(ValidationError) as error:
        blueprint_save(project=course.project, personnel_class=2, cells=cells, single_points=4, multiple_points=8)
    assert error.value.messages == [
        "单选/重大危险源管理/难：需要3题，题库只有0题",
        "试卷总分为112分，考试规则要求100分",
    ]
