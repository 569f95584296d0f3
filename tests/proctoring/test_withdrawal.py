"""Issue 7 finding 7: withdrawn consent stops study at once. The open websocket is told and closed, a frame sent
afterwards is refused and not stored, and a frame whose template vanished is verified to a clean failure."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proctoring.models import Flag, SessionStatus, Snapshot, StudySession
from proctoring.routing import websocket_urlpatterns
from proctoring.services import study
from proctoring.services.consent import consent_withdraw
from proctoring.services.template_events import templates_delete
from proctoring.tasks import verify_snapshot
from tests.proctoring import study_support as support
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.training import builders

application = URLRouter(websocket_urlpatterns)

WITHDRAWN = "已撤回人脸核验同意，在线学习已结束"


@pytest.fixture
def world(faces_dir):
    proj = builders.project()
    return support.lesson(proj), support.student(proj, faces_dir / "obama.jpg")


@pytest.fixture
def fresh_layer(settings):
    settings.FACE_SNAPSHOT_MIN_SECONDS = 60  # no snapshot request during the test
    settings.FACE_SNAPSHOT_MAX_SECONDS = 61
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


async def _withdrawal_ends_the_open_page(lesson, user):
    comm = WebsocketCommunicator(application, f"/ws/study/{lesson.pk}/")
    comm.scope["user"] = user
    assert (await comm.connect())[0]
    started = await comm.receive_json_from(timeout=5)
    assert started["type"] == "started"

    await database_sync_to_async(consent_withdraw)(trainee=user.trainee, recorded_by=user)

    assert await comm.receive_json_from(timeout=5) == {"type": "ended", "reason": WITHDRAWN}
    assert await comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 4002}
    session = await database_sync_to_async(StudySession.objects.get)(pk=started["session_id"])
    assert (session.status, session.end_reason) == (SessionStatus.ENDED, WITHDRAWN)
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_withdrawal_ends_the_open_study_websocket(world, fresh_layer):
    await _withdrawal_ends_the_open_page(*world)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_withdrawal_ends_the_open_study_websocket_through_redis(world, fresh_layer, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [django_settings.REDIS_URL], "prefix": "withdrawal-test"},
        }
    }
    channel_layers.backends.clear()
    await _withdrawal_ends_the_open_page(*world)


def _frame(faces_dir, name="obama2.jpg"):
    return SimpleUploadedFile("frame.jpg", jpeg_bytes(camera_frame(faces_dir / name)), content_type="image/jpeg")


@pytest.mark.django_db
def test_a_frame_sent_after_withdrawal_is_refused_and_not_stored(client, world, faces_dir):
    lesson, user = world
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    consent_withdraw(trainee=user.trainee, recorded_by=user)
    with pytest.raises(ValidationError, match="核验：学习会话已结束"):  # the server asks for no more frames
        study.snapshot_request(session_id=session.pk, covers_until=10)
    # a request that slipped in just before the withdrawal ended the session; the page had not heard yet
    snapshot = Snapshot.objects.create(session=session, seq=1, covers_until=10)
    client.force_login(user)
    response = client.post(reverse("proctoring:snapshot-upload", args=[snapshot.pk]), {"image": _frame(faces_dir)})
    assert response.status_code == 400
    assert response.json() == {"error": "抓拍：未同意人脸核验（或已撤回），不能上传"}
    snapshot.refresh_from_db()
    assert not snapshot.image and snapshot.taken_at is None


@pytest.mark.django_db
def test_a_frame_without_a_template_is_refused_and_not_stored(client, world, faces_dir):
    lesson, user = world
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    snapshot = study.snapshot_request(session_id=session.pk, covers_until=10)
    templates_delete(trainee=user.trainee, reason="测试：模板被删除")
    client.force_login(user)
    response = client.post(reverse("proctoring:snapshot-upload", args=[snapshot.pk]), {"image": _frame(faces_dir)})
    assert response.json() == {"error": "抓拍：尚无人脸基准，不能上传"}
    snapshot.refresh_from_db()
    assert not snapshot.image


@pytest.mark.django_db
def test_verifying_a_frame_whose_template_vanished_is_a_clean_failure(world, faces_dir):
    lesson, user = world
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    snapshot = study.snapshot_request(session_id=session.pk, covers_until=10)
    study.snapshot_upload(
        snapshot_id=snapshot.pk, user=user, image_bytes=jpeg_bytes(camera_frame(faces_dir / "obama2.jpg"))
    )
    templates_delete(trainee=user.trainee, reason="测试：模板被删除")

    result = verify_snapshot(snapshot.pk)  # the Celery task, run in-process

    assert result == {"seq": 1, "verdict": "no_template", "distance": None, "faces": 0, "proxy": False}
    snapshot.refresh_from_db()
    assert (snapshot.verdict, bool(snapshot.image)) == ("no_template", False)
    assert StudySession.objects.get(pk=session.pk).checks_failed == 1
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_verifying_a_frame_deleted_by_the_withdrawal_does_not_crash(
    world, faces_dir, django_capture_on_commit_callbacks
):
    lesson, user = world
    session, _ = study.study_session_start(trainee=user.trainee, lesson=lesson)
    snapshot = study.snapshot_request(session_id=session.pk, covers_until=10)
    with django_capture_on_commit_callbacks() as queued:  # the verification task waits in the queue...
        study.snapshot_upload(
            snapshot_id=snapshot.pk, user=user, image_bytes=jpeg_bytes(camera_frame(faces_dir / "obama2.jpg"))
        )
    consent_withdraw(trainee=user.trainee, recorded_by=user)  # ...while the trainee withdraws
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()
    for callback in queued:
        callback()  # runs verify_snapshot: no exception
    assert verify_snapshot(snapshot.pk)["verdict"] == "no_template"
