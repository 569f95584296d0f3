"""Issue 7, findings 4, 5, 6 (the bomb JPEG) and 8, through the crediting service, the snapshot upload endpoint
and the verification task (eager), with real face photos: credit only from a passed check found by the service,
only for the trainee's own class, every verified second in the ledger."""

import io

import numpy as np
import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from proctoring.models import Flag, FlagKind, Snapshot, StudySession
from proctoring.services import study
from proctoring.tasks import study_group
from tests.proctoring import study_support as support
from tests.training import builders
from training.models import CreditedHours, LessonProgress, Modality, PersonnelClass
from training.selectors.completion import enrollment_progress
from training.services.lessons import lesson_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def studying(faces_dir):
    proj = builders.project()
    lesson = support.lesson(proj)
    user = support.student(proj, faces_dir / "obama.jpg")
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    return lesson, user, session


# --- finding 5: the service credits only from a passed check it finds itself ---


def test_no_credit_without_a_passed_check_and_none_for_the_stretch_a_missing_check_voided(studying, faces_dir):
    lesson, user, session = studying
    support.elapse(session, 400)  # the page has been open for 400 s
    missing = study.snapshot_request(session_id=session.pk, covers_until=300)
    assert study.snapshot_mark_missing(snapshot_id=missing.pk).verdict == "missing"
    with pytest.raises(ValidationError, match="第 1 次核验未通过，不能计入学时"):
        study.study_credit(session_id=session.pk, seq=missing.seq)
    with pytest.raises(ValidationError, match="第 9 次核验未通过"):
        study.study_credit(session_id=session.pk, seq=9)  # no such check
    with pytest.raises(TypeError):  # the caller cannot say how far: the service finds it
        study.study_credit(session_id=session.pk, verified_second=300, seq=1)
    # The next check passes and covers the same 300 s, as the page's clock remembered them: the stretch before
    # the missing check was thrown away, so it credits only what could be watched after it (a fraction of a
    # second here: the wall-clock time between the two checks).
    passed = support.check(session, user, faces_dir / "obama2.jpg", covers_until=300)
    assert passed.verdict == "match" and passed.credited_seconds < 1
    assert study.study_credit(session_id=session.pk, seq=passed.seq).gain == 0  # once only
    assert not CreditedHours.objects.exists()
    assert StudySession.objects.get(pk=session.pk).credited_seconds < 1


def test_a_pass_credits_no_more_than_the_time_since_the_session_started(studying, faces_dir):
    _lesson, user, session = studying
    support.elapse(session, 60)
    snap = support.check(session, user, faces_dir / "obama2.jpg", covers_until=300)
    assert 60 <= snap.credited_seconds < 62
    assert CreditedHours.objects.get().seconds == 60


def test_a_pass_with_a_failed_check_after_it_credits_nothing(studying, faces_dir):
    _lesson, user, session = studying
    support.elapse(session, 200)
    # A verdict stored by a task that died before crediting (acks_late redelivers it later) ...
    first = study.snapshot_request(session_id=session.pk, covers_until=100)
    Snapshot.objects.filter(pk=first.pk).update(verdict="match")
    # ... and meanwhile the next check failed: the stretch is lost, the late credit adds nothing.
    failed = support.check(session, user, faces_dir / "biden.jpg", covers_until=150)
    assert failed.verdict == "mismatch"
    assert study.study_credit(session_id=session.pk, seq=first.seq).gain == 0
    assert not CreditedHours.objects.exists()


def test_the_server_asks_for_one_check_at_a_time(studying):
    _lesson, _user, session = studying
    first = study.snapshot_request(session_id=session.pk, covers_until=0)
    with pytest.raises(ValidationError, match="上一次核验尚未完成"):
        study.snapshot_request(session_id=session.pk, covers_until=0)
    with pytest.raises(ValidationError, match="上一次核验尚未完成"):
        study.snapshot_request(session_id=session.pk, covers_until=0, recheck=True)
    study.snapshot_mark_missing(snapshot_id=first.pk)
    with pytest.raises(ValidationError, match="上次核验未通过，须先重新核验"):  # the timer is paused
        study.snapshot_request(session_id=session.pk, covers_until=0)
    assert study.snapshot_request(session_id=session.pk, covers_until=0, recheck=True).recheck


# --- finding 6: a decompression bomb through the upload endpoint and the (eager) Celery task ---


def bomb_jpeg() -> bytes:
    """A real ~100 KB JPEG whose header claims 20000 × 20000 pixels."""
    noise = np.random.default_rng(0).integers(0, 255, (300, 300, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(noise).save(out, "JPEG", quality=95)
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = (20000).to_bytes(2, "big") + (20000).to_bytes(2, "big")
    return bytes(data)


def test_a_bomb_jpeg_is_a_failed_check_and_the_next_pass_does_not_credit_the_stretch(
    studying, faces_dir, client, django_capture_on_commit_callbacks
):
    _lesson, user, session = studying
    layer = get_channel_layer()
    page = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(study_group(session.pk), page)
    support.elapse(session, 400)
    snap = study.snapshot_request(session_id=session.pk, covers_until=300)
    client.force_login(user)
    bomb = bomb_jpeg()
    assert 80_000 < len(bomb) < 200_000
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("proctoring:snapshot-upload", args=[snap.pk]),
            {"image": SimpleUploadedFile("s.jpg", bomb, "image/jpeg")},
        )
    assert response.status_code == 202
    snap.refresh_from_db()
    assert snap.verdict == "unreadable" and snap.checked_at is not None
    flag = Flag.objects.get()
    assert (flag.kind, flag.verdict, list(flag.snapshots.all())) == (FlagKind.FAILED_CHECK, "unreadable", [snap])
    pushed = async_to_sync(layer.receive)(page)
    assert (pushed["type"], pushed["verdict"], pushed["seq"]) == ("study.verdict", "unreadable", snap.seq)
    # the page pauses on that verdict (the consumer tests cover it); a pass that still claims the 300 s gets none
    passed = support.check(session, user, faces_dir / "obama2.jpg", covers_until=300)
    assert passed.verdict == "match" and passed.credited_seconds < 1  # the seconds since the failure, no more
    assert not CreditedHours.objects.exists()


def test_an_oversized_or_unreadable_frame_is_never_decoded(settings):
    from proctoring.services.snapshots import frame_header_error

    assert frame_header_error(bomb_jpeg()) == "图像尺寸过大（20000×20000，上限25000000像素）"
    assert frame_header_error(b"\xff\xd8\xff\xe0 not really a jpeg").startswith("无法读取图像")
    settings.FACE_IMAGE_MAX_PIXELS = 640 * 480
    out = io.BytesIO()
    Image.new("RGB", (641, 480)).save(out, "JPEG")
    assert frame_header_error(out.getvalue()) == "图像尺寸过大（641×480，上限307200像素）"


# --- finding 4: the crediting service refuses another class's lesson ---


def test_the_crediting_doors_refuse_another_classs_lesson(faces_dir):
    proj = builders.project()
    deputy_plan = builders.plan(proj, PersonnelClass.DEPUTY_HEAD, approved=False)
    course = deputy_plan.courses.get(is_documentary=True)
    foreign = lesson_create(
        course=course, title="分管负责人专题", video=ContentFile(b"\x00", name="c.mp4"), duration_seconds=600
    )
    user = support.student(proj, faces_dir / "obama.jpg")  # class 2
    with pytest.raises(ValidationError, match="该课时属于「安全生产分管负责人」的培训计划"):
        study.study_session_start(trainee=user.trainee, lesson=foreign)
    # A session opened before this rule held (the old code let it): its checks credit nothing.
    enrollment = user.trainee.enrollments.get()
    session = StudySession.objects.create(trainee=user.trainee, enrollment=enrollment, lesson=foreign)
    support.elapse(session, 200)
    snap = support.check(session, user, faces_dir / "obama2.jpg", covers_until=120)
    assert snap.verdict == "match"
    with pytest.raises(ValidationError, match="学员所在类别为「专职安全管理人员」"):
        study.study_credit(session_id=session.pk, seq=snap.seq)
    from training.services.hours import hours_credit_online

    with pytest.raises(ValidationError, match="不能学习或计入学时"):
        hours_credit_online(enrollment=enrollment, course=course, seconds=60, source="study:x:1")
    assert not CreditedHours.objects.exists() and not LessonProgress.objects.filter(lesson=foreign).exists()


# --- finding 8: seconds, never lost to rounding ---


def test_short_stretches_reach_the_ledger_and_a_finished_lesson_has_all_its_seconds(faces_dir):
    proj = builders.project()
    lesson = support.lesson(proj, duration=30)
    user = support.student(proj, faces_dir / "obama.jpg")
    photo = faces_dir / "obama2.jpg"
    first, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    support.elapse(first, 15)
    assert support.check(session=first, user=user, photo=photo, covers_until=10.6).credited_seconds == pytest.approx(
        10.6
    )
    second, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)  # a new session on the same lesson
    support.elapse(second, 15)
    support.check(second, user, photo, covers_until=20.9)
    support.elapse(second, 15)
    support.check(second, user, photo, covers_until=30)
    rows = list(CreditedHours.objects.order_by("pk").values_list("source", "seconds"))
    assert rows == [(f"study:{first.pk}:1", 10), (f"study:{second.pk}:1", 10), (f"study:{second.pk}:2", 10)]
    progress = LessonProgress.objects.get()
    assert progress.completed and progress.ledger_seconds == 30
    assert enrollment_progress(user.trainee.enrollments.get()).online == 30  # seconds, none lost


def test_the_hours_ledger_row_of_a_lesson_under_36_seconds(faces_dir):
    proj = builders.project()
    lesson = support.lesson(proj, duration=20)
    user = support.student(proj, faces_dir / "obama.jpg")
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    support.elapse(session, 25)
    support.check(session, user, faces_dir / "obama2.jpg", covers_until=20)
    assert CreditedHours.objects.get().seconds == 20
    progress = enrollment_progress(user.trainee.enrollments.get())
    assert progress.online == 20 and progress.reasons[0] == "总学时 <0.01/24"


def test_another_classs_online_course_in_the_ledger_does_not_count(faces_dir):
    """A credit written by the old code for another class's course is never counted towards completion."""
    proj = builders.project()
    own = builders.plan(proj, PersonnelClass.SAFETY_MANAGER)
    other = builders.plan(proj, PersonnelClass.TEAM_LEADER, approved=False)
    enrollment = builders.enrol(proj)
    for plan, source in [(own, "study:1:1"), (other, "study:2:1")]:
        course = plan.courses.get(modality=Modality.ONLINE, is_documentary=True)
        CreditedHours.objects.create(enrollment=enrollment, course=course, kind="online", seconds=3600, source=source)
    assert enrollment_progress(enrollment).online == 3600
