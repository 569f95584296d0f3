"""The study websocket (proctoring.consumers.StudyConsumer) through channels' WebsocketCommunicator: heartbeats,
crediting between passed checks, the pause after a failed check, and one active session per trainee."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from proctoring.models import Flag, SessionStatus, StudySession
from proctoring.routing import websocket_urlpatterns
from proctoring.services import study
from tests.proctoring import study_support as support
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.training import builders
from training.models import LessonProgress

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def fast_study(settings):
    """Seconds instead of minutes, so the rules run in test time."""
    settings.FACE_SNAPSHOT_MIN_SECONDS = 1.2
    settings.FACE_SNAPSHOT_MAX_SECONDS = 1.3
    settings.STUDY_HEARTBEAT_TIMEOUT_SECONDS = 1.0
    settings.STUDY_RECHECK_SECONDS = 1.5
    settings.STUDY_SNAPSHOT_UPLOAD_SECONDS = 5
    settings.STUDY_MESSAGES_PER_SECOND = 20  # the test pages beat every 0.2 s, fifty times a real page's rate
    channel_layers.backends.clear()  # a fresh layer on this test's event loop
    yield
    channel_layers.backends.clear()


@pytest.fixture
def world(faces_dir):
    proj = builders.project()
    lesson = support.lesson(proj)
    user = support.student(proj, faces_dir / "obama.jpg")
    return lesson, user


async def connect(user, lesson):
    comm = WebsocketCommunicator(application, f"/ws/study/{lesson.pk}/")
    comm.scope["user"] = user
    connected, _ = await comm.connect()
    assert connected
    started = await comm.receive_json_from(timeout=5)
    return comm, started


class Player:
    """A page playing the video: beats every `step` seconds with the real elapsed time as the position."""

    def __init__(self, comm, position=0.0, visible=True):
        self.comm, self.position, self.visible, self.playing = comm, position, visible, True
        self.last = time.monotonic()
        self.inbox = []

    async def beat(self):
        now = time.monotonic()
        if self.playing:
            self.position += now - self.last
        self.last = now
        await self.comm.send_json_to(
            {"type": "beat", "position": self.position, "playing": self.playing, "visible": self.visible, "t": now}
        )

    async def run_until(self, predicate, *, step=0.2, limit=15.0, on_snapshot=None):
        """Beat until a message satisfies `predicate`; snapshots requests go to `on_snapshot`."""
        deadline = time.monotonic() + limit
        self_step = step
        while time.monotonic() < deadline:
            await self.beat()
            # receive_nothing polls without cancelling the app (a receive timeout would cancel it)
            while not await self.comm.receive_nothing(timeout=step, interval=0.01):
                message = await self.comm.receive_json_from()
                self.inbox.append(message)
                if message["type"] == "seek":
                    self.position = message["to"]
                if message["type"] == "snapshot" and on_snapshot:
                    await on_snapshot(message)
                if predicate(message):
                    return message
                step = 0.01
            step = self_step
        raise AssertionError(f"no expected message; got {[m['type'] for m in self.inbox]}")


def uploader(user, photo, faces_dir_index=[0]):  # noqa: B006 - a counter across calls
    async def on_snapshot(message):
        faces_dir_index[0] += 1
        snap_id = int(message["url"].rstrip("/").split("/")[-1])
        frame = jpeg_bytes(camera_frame(photo, index=faces_dir_index[0]))
        await database_sync_to_async(study.snapshot_upload)(snapshot_id=snap_id, user=user, image_bytes=frame)

    return on_snapshot


async def test_heartbeat_is_acknowledged_with_its_echo(world):
    lesson, user = world
    comm, started = await connect(user, lesson)
    assert started["type"] == "started" and started["duration"] == 600 and started["verified_second"] == 0
    await comm.send_json_to({"type": "beat", "position": 0, "playing": True, "visible": True, "t": 42})
    ack = await comm.receive_json_from(timeout=5)
    assert ack == {"type": "ack", "t": 42, "verified_second": 0, "pending_seconds": 0, "paused": False}
    await comm.disconnect()
    session = await database_sync_to_async(StudySession.objects.get)()
    assert session.status == SessionStatus.ENDED and session.end_reason == "页面已关闭"


async def test_time_between_passed_checks_is_credited(world, faces_dir):
    lesson, user = world
    comm, _ = await connect(user, lesson)
    player = Player(comm)
    verdict = await player.run_until(
        lambda m: m["type"] == "verdict", on_snapshot=uploader(user, faces_dir / "obama2.jpg")
    )
    assert verdict["verdict"] == "match"
    # the check covers the time played until the server asked for the frame (~1.2 s)
    assert 0.9 <= verdict["credited_seconds"] <= 1.6
    assert verdict["verified_second"] == pytest.approx(verdict["credited_seconds"])
    await comm.disconnect()
    progress = await database_sync_to_async(LessonProgress.objects.get)()
    assert progress.furthest_second == pytest.approx(verdict["verified_second"])
    assert progress.watched_seconds == pytest.approx(verdict["credited_seconds"])


async def test_hidden_page_is_not_credited(world, faces_dir):
    lesson, user = world
    comm, _ = await connect(user, lesson)
    player = Player(comm, visible=False)
    verdict = await player.run_until(
        lambda m: m["type"] == "verdict", on_snapshot=uploader(user, faces_dir / "obama2.jpg")
    )
    assert verdict["verdict"] == "match" and verdict["credited_seconds"] == 0
    assert all(m["pending_seconds"] == 0 for m in player.inbox if m["type"] == "ack")
    await comm.disconnect()
    assert (await database_sync_to_async(StudySession.objects.get)()).hidden_count == 1


async def test_dead_heartbeat_is_not_credited(world, faces_dir):
    lesson, user = world
    comm, _ = await connect(user, lesson)
    player = Player(comm)
    await player.beat()
    await asyncio.sleep(1.1)  # longer than the heartbeat timeout
    verdict = await player.run_until(
        lambda m: m["type"] == "verdict", step=0.05, on_snapshot=uploader(user, faces_dir / "obama2.jpg")
    )
    assert verdict["credited_seconds"] < 0.5  # only what was played after the heartbeat came back
    await comm.disconnect()


async def test_failed_check_pauses_asks_for_a_recheck_and_ends_without_one(world, faces_dir):
    lesson, user = world
    comm, _ = await connect(user, lesson)
    player = Player(comm)
    verdict = await player.run_until(
        lambda m: m["type"] == "verdict", on_snapshot=uploader(user, faces_dir / "biden.jpg")
    )
    assert verdict["verdict"] == "mismatch"
    assert verdict["recheck_within"] == 1.5 and verdict["seek_to"] == 0 and verdict["verified_second"] == 0
    ended = await player.run_until(lambda m: m["type"] == "ended", limit=5)
    assert ended["reason"] == "未在规定时间内完成重新核验，本次学习已结束"
    assert not any(m.get("pending_seconds", 0) > 0.3 for m in player.inbox if m["type"] == "ack" and m["paused"])
    await comm.disconnect()
    session = await database_sync_to_async(StudySession.objects.get)()
    assert session.credited_seconds == 0 and session.status == SessionStatus.ENDED
    flag = await database_sync_to_async(Flag.objects.get)()
    assert flag.verdict == "mismatch"


async def test_passed_recheck_resumes_the_timer(world, faces_dir, settings):
    settings.STUDY_RECHECK_SECONDS = 5
    lesson, user = world
    comm, _ = await connect(user, lesson)
    player = Player(comm)
    await player.run_until(lambda m: m["type"] == "verdict", on_snapshot=uploader(user, faces_dir / "biden.jpg"))
    await comm.send_json_to({"type": "recheck"})
    verdict = await player.run_until(
        lambda m: m["type"] == "verdict", on_snapshot=uploader(user, faces_dir / "obama2.jpg")
    )
    assert verdict["verdict"] == "match" and verdict["credited_seconds"] == 0  # the lost stretch stays lost
    ack = await player.run_until(lambda m: m["type"] == "ack")
    assert ack["paused"] is False
    await comm.disconnect()


async def test_a_requested_frame_that_never_comes_is_a_failed_check(world, settings):
    settings.STUDY_SNAPSHOT_UPLOAD_SECONDS = 0.3
    lesson, user = world
    comm, _ = await connect(user, lesson)
    player = Player(comm)
    verdict = await player.run_until(lambda m: m["type"] == "verdict")  # the page ignores the snapshot request
    assert verdict["verdict"] == "missing" and verdict["recheck_within"] == 1.5
    await comm.disconnect()
    flag = await database_sync_to_async(Flag.objects.get)()
    assert flag.verdict == "missing"


async def test_a_second_tab_ends_the_first(world):
    lesson, user = world
    first, started1 = await connect(user, lesson)
    second, started2 = await connect(user, lesson)
    ended = await first.receive_json_from(timeout=5)
    assert ended == {"type": "ended", "reason": "已在其他窗口或设备开始学习，本页面的学习已结束"}
    closed = await first.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4001}
    sessions = await database_sync_to_async(lambda: dict(StudySession.objects.values_list("pk", "status")))()
    assert sessions == {started1["session_id"]: "ended", started2["session_id"]: "active"}
    await second.send_json_to({"type": "beat", "position": 0, "playing": True, "visible": True, "t": 1})
    assert (await second.receive_json_from(timeout=5))["type"] == "ack"
    await first.disconnect()
    await second.disconnect()


async def test_refused_without_consent_or_face(faces_dir):
    proj = await sync_to_async(builders.project)()
    lesson = await sync_to_async(support.lesson)(proj)
    user = await sync_to_async(support.student)(proj, None)
    comm = WebsocketCommunicator(application, f"/ws/study/{lesson.pk}/")
    comm.scope["user"] = user
    await comm.connect()
    refused = await comm.receive_json_from(timeout=5)
    assert refused == {"type": "refused", "reason": "尚未采集人脸基准照片：请先完成人脸采集"}
    assert (await comm.receive_output(timeout=5))["code"] == 4003
    await comm.disconnect()


@pytest.mark.redis
async def test_a_second_device_ends_the_first_through_redis(world, settings):
    """The takeover travels through the real Redis channel layer (two daphne processes would share it)."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [django_settings.REDIS_URL], "prefix": "study-test"},
        }
    }
    channel_layers.backends.clear()
    lesson, user = world
    first, _ = await connect(user, lesson)
    second, _ = await connect(user, lesson)
    assert (await first.receive_json_from(timeout=5))["type"] == "ended"
    assert (await first.receive_output(timeout=5))["code"] == 4001
    await first.disconnect()
    await second.disconnect()
