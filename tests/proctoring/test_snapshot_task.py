"""The snapshot verification task on REAL face photos (never a mocked face_recognition)."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError

from proctoring.models import Flag, FlagKind, Snapshot, StudySession
from proctoring.services import study
from proctoring.tasks import study_group, verify_snapshot
from tests.proctoring import study_support as support
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.training import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(faces_dir):
    proj = builders.project()
    lesson = support.lesson(proj)
    user = support.student(proj, faces_dir / "obama.jpg")
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    return proj, lesson, user, session


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """The upload queues the task after commit; run those callbacks (the eager task) as a real commit would."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def upload(session, user, image_bytes, covers_until=0.0):
    snap = study.snapshot_request(
        session_id=session.pk, covers_until=covers_until, recheck=support._after_a_failure(session)
    )
    with _capture(execute=True):
        study.snapshot_upload(snapshot_id=snap.pk, user=user, image_bytes=image_bytes)
    snap.refresh_from_db()
    return snap


def test_same_person_matches_and_the_verdict_is_pushed_to_the_page(setup, faces_dir):
    _proj, _lesson, user, session = setup
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(study_group(session.pk), channel)
    snap = upload(session, user, jpeg_bytes(camera_frame(faces_dir / "obama2.jpg")))
    assert snap.verdict == "match" and snap.distance < 0.5 and snap.faces == 1
    assert snap.checked_at and snap.taken_at and len(snap.signature) == 32 * 24
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "study.verdict" and message["verdict"] == "match" and message["seq"] == snap.seq
    assert not Flag.objects.exists()
    assert StudySession.objects.get(pk=session.pk).checks_passed == 1


def test_other_person_is_a_mismatch_and_a_flag_with_evidence(setup, faces_dir):
    _proj, _lesson, user, session = setup
    snap = upload(session, user, jpeg_bytes(camera_frame(faces_dir / "biden.jpg")))
    assert snap.verdict == "mismatch" and snap.distance > 0.5
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.FAILED_CHECK and flag.verdict == "mismatch"
    assert list(flag.snapshots.all()) == [snap]
    assert StudySession.objects.get(pk=session.pk).checks_failed == 1


def test_two_people_and_no_face(setup, faces_dir):
    _proj, _lesson, user, session = setup
    two = upload(session, user, jpeg_bytes(camera_frame(faces_dir / "two_people.jpg")))
    assert two.verdict == "multiple_faces" and two.faces == 2
    blank = upload(session, user, jpeg_bytes(camera_frame(faces_dir / "obama.jpg").point(lambda _: 128)))
    assert blank.verdict == "no_face"
    assert sorted(Flag.objects.values_list("verdict", flat=True)) == ["multiple_faces", "no_face"]


def test_replayed_still_is_static(setup, faces_dir):
    _proj, _lesson, user, session = setup
    still = jpeg_bytes(camera_frame(faces_dir / "obama2.jpg"))
    assert upload(session, user, still).verdict == "match"
    assert upload(session, user, still).verdict == "static"
    live = upload(session, user, jpeg_bytes(camera_frame(faces_dir / "obama2.jpg", index=5)))
    assert live.verdict == "match"


def test_face_of_another_account_on_the_same_project_is_a_proxy_flag(setup, faces_dir):
    """One face studying under several accounts: the same person enrolled as two trainees."""
    proj, lesson, first, _session = setup
    second = support.student(proj, faces_dir / "obama3.jpg")
    session, _ = study.study_session_start(trainee=second.trainee, lesson=lesson)
    snap = upload(session, second, jpeg_bytes(camera_frame(faces_dir / "obama2.jpg")))
    assert snap.verdict == "match"  # it is also this account's enrolled face
    flag = Flag.objects.get(kind=FlagKind.PROXY, session=session)
    assert flag.matched_trainee == first.trainee and flag.matched_distance < 0.5
    assert flag.enrollment.trainee == second.trainee
    assert Flag.objects.get(kind=FlagKind.PROXY, session=None).matched_trainee == first.trainee  # at enrolment


def test_different_people_on_the_same_project_raise_no_proxy_flag(setup, faces_dir):
    proj, lesson, _first, _session = setup
    other = support.student(proj, faces_dir / "biden.jpg")
    session, _ = study.study_session_start(trainee=other.trainee, lesson=lesson)
    assert upload(session, other, jpeg_bytes(camera_frame(faces_dir / "biden2.jpg"))).verdict == "match"
    assert not Flag.objects.exists()


def test_upload_refused_when_not_a_jpeg_twice_or_not_yours(setup, faces_dir):
    proj, _lesson, user, session = setup
    snap = study.snapshot_request(session_id=session.pk, covers_until=0)
    with pytest.raises(ValidationError, match="图像须为 JPEG"):
        study.snapshot_upload(snapshot_id=snap.pk, user=user, image_bytes=b"\x89PNG....")
    frame = jpeg_bytes(camera_frame(faces_dir / "obama2.jpg"))
    with _capture(execute=True):
        study.snapshot_upload(snapshot_id=snap.pk, user=user, image_bytes=frame)
    with pytest.raises(ValidationError, match="该次抓拍已上传"):
        study.snapshot_upload(snapshot_id=snap.pk, user=user, image_bytes=frame)
    stranger = support.student(proj, None)
    snap2 = study.snapshot_request(session_id=session.pk, covers_until=0)
    with pytest.raises(Exception, match="不是本人的学习会话"):
        study.snapshot_upload(snapshot_id=snap2.pk, user=stranger, image_bytes=frame)


def test_upload_too_late_is_refused_and_a_missing_frame_is_a_failed_check(setup, faces_dir, settings):
    _proj, _lesson, user, session = setup
    snap = study.snapshot_request(session_id=session.pk, covers_until=0)
    settings.STUDY_SNAPSHOT_UPLOAD_SECONDS = 0
    with pytest.raises(ValidationError, match="超过 0 秒未上传"):
        study.snapshot_upload(
            snapshot_id=snap.pk, user=user, image_bytes=jpeg_bytes(camera_frame(faces_dir / "obama2.jpg"))
        )
    missing = study.snapshot_mark_missing(snapshot_id=snap.pk)
    assert missing.verdict == "missing"
    assert Flag.objects.get().verdict == "missing"


def test_task_is_idempotent(setup, faces_dir):
    _proj, _lesson, user, session = setup
    snap = upload(session, user, jpeg_bytes(camera_frame(faces_dir / "biden.jpg")))
    verify_snapshot(snap.pk)  # a redelivered task (acks_late) must not flag twice
    assert Flag.objects.count() == 1
    assert Snapshot.objects.get(pk=snap.pk).verdict == "mismatch"
