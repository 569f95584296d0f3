"""Issue 7, findings 4 and 6, through the study websocket (WebsocketCommunicator), with real face photos:
only lessons of the trainee's own class, checks that cannot be dodged (replay across sessions and of the
enrolment photo), only the server asks for checks, and messages from the page cannot break the socket."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.core.files.base import ContentFile

from proctoring.models import Flag, Snapshot, StudySession
from proctoring.services import study
from tests.proctoring import study_support as support
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.proctoring.test_consumers import Player, application, connect
from tests.training import builders
from training.models import Modality, PersonnelClass
from training.services.lessons import lesson_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_study(settings):
    settings.FACE_SNAPSHOT_MIN_SECONDS = 1.2
    settings.FACE_SNAPSHOT_MAX_SECONDS = 1.3
    settings.STUDY_HEARTBEAT_TIMEOUT_SECONDS = 1.0
    settings.STUDY_RECHECK_SECONDS = 1.5
    settings.STUDY_SNAPSHOT_UPLOAD_SECONDS = 5
    settings.STUDY_MESSAGES_PER_SECOND = 20  # the test pages beat every 0.2 s, fifty times a real page's rate
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _class_lesson(proj, personnel_class):
    plan = builders.plan(proj, personnel_class, approved=False)  # online study needs no approval here
    course = plan.courses.get(modality=Modality.ONLINE, is_documentary=True)
    return lesson_create(
        course=course,
        title=f"{PersonnelClass(personnel_class).label}专题片",
        video=ContentFile(b"\x00" * 64, name="clip.mp4"),
        duration_seconds=600,
    )


@pytest.fixture
def three_plans(faces_dir):
    """One project with a plan per personnel class, and a class-2 (safety manager) trainee."""
    proj = builders.project()
    lessons = {pc: _class_lesson(proj, pc) for pc in PersonnelClass.values}
    user = support.student(proj, faces_dir / "obama.jpg")
    assert user.trainee.personnel_class == PersonnelClass.SAFETY_MANAGER
    return lessons, user


async def refused(user, lesson):
    comm = WebsocketCommunicator(application, f"/ws/study/{lesson.pk}/")
    comm.scope["user"] = user
    await comm.connect()
    message = await comm.receive_json_from(timeout=5)
    closed = await comm.receive_output(timeout=5)
    await comm.disconnect()
    return message, closed


# --- finding 4: only lessons of the plan of the trainee's own class ---


async def test_the_websocket_refuses_lessons_of_another_classs_plan(three_plans):
    lessons, user = three_plans
    for other, label in [(PersonnelClass.DEPUTY_HEAD, "安全生产分管负责人"), (PersonnelClass.TEAM_LEADER, "班组长")]:
        message, closed = await refused(user, lessons[other])
        assert message == {
            "type": "refused",
            "reason": f"该课时属于「{label}」的培训计划，学员所在类别为「专职安全管理人员」，不能学习或计入学时",
        }
        assert closed == {"type": "websocket.close", "code": 4003}
    assert not await database_sync_to_async(StudySession.objects.exists)()
    comm, started = await connect(user, lessons[PersonnelClass.SAFETY_MANAGER])  # their own class: studies
    assert started["type"] == "started"
    await comm.disconnect()


# --- finding 6: replay across sessions and of the enrolment photo ---


def _still_uploader(user, image_bytes):
    async def on_snapshot(message):
        snap_id = int(message["url"].rstrip("/").split("/")[-1])
        await database_sync_to_async(study.snapshot_upload)(snapshot_id=snap_id, user=user, image_bytes=image_bytes)

    return on_snapshot


async def _first_verdict(user, lesson, image_bytes):
    comm, _ = await connect(user, lesson)
    verdict = await Player(comm).run_until(
        lambda m: m["type"] == "verdict", on_snapshot=_still_uploader(user, image_bytes)
    )
    await comm.disconnect()
    return verdict


async def test_a_still_photo_passes_once_never_again_in_a_new_session(faces_dir):
    proj = await database_sync_to_async(builders.project)()
    lesson = await database_sync_to_async(support.lesson)(proj)
    user = await database_sync_to_async(support.student)(proj, faces_dir / "obama.jpg")
    still = jpeg_bytes(camera_frame(faces_dir / "obama2.jpg", index=7))
    assert (await _first_verdict(user, lesson, still))["verdict"] == "match"
    again = await _first_verdict(user, lesson, still)  # a new session, the same photo held to the camera
    assert again["verdict"] == "static" and again["recheck_within"] == 1.5
    sessions = await database_sync_to_async(lambda: list(StudySession.objects.order_by("pk")))()
    assert len(sessions) == 2 and sessions[1].credited_seconds == 0
    flag = await database_sync_to_async(Flag.objects.get)()
    assert flag.verdict == "static" and flag.session_id == sessions[1].pk


async def test_the_enrolment_photo_held_to_the_camera_is_a_replay(faces_dir):
    proj = await database_sync_to_async(builders.project)()
    lesson = await database_sync_to_async(support.lesson)(proj)
    user = await database_sync_to_async(support.student)(proj, faces_dir / "obama.jpg")
    verdict = await _first_verdict(user, lesson, (faces_dir / "obama.jpg").read_bytes())
    assert verdict["verdict"] == "static"


# --- finding 6: only the server asks for checks; messages from the page are rate-limited and parsed ---


async def _replies(comm, count):
    return [await comm.receive_json_from(timeout=5) for _ in range(count)]


async def test_the_page_cannot_ask_for_checks(three_plans, settings):
    settings.FACE_SNAPSHOT_MIN_SECONDS = 60  # the server's own schedule stays out of this test
    settings.FACE_SNAPSHOT_MAX_SECONDS = 61
    lessons, user = three_plans
    comm, _ = await connect(user, lessons[PersonnelClass.SAFETY_MANAGER])
    for _ in range(30):
        await comm.send_json_to({"type": "finish"})
    replies = await _replies(comm, 30)
    assert {r["type"] for r in replies} == {"error"}
    assert {r["reason"] for r in replies} == {"未知的消息类型", "消息过于频繁，已忽略"}
    await asyncio.sleep(0.6)  # refill a few tokens
    await comm.send_json_to({"type": "recheck"})  # no failed check to answer
    assert await comm.receive_json_from(timeout=5) == {
        "type": "error",
        "reason": "核验：没有未通过的核验，无需重新核验",
    }
    assert await database_sync_to_async(Snapshot.objects.count)() == 0
    assert await database_sync_to_async(Flag.objects.count)() == 0
    await comm.disconnect()


async def test_rechecks_after_a_failed_check_make_one_snapshot(three_plans, settings, faces_dir):
    settings.STUDY_RECHECK_SECONDS = 10
    settings.STUDY_SNAPSHOT_UPLOAD_SECONDS = 30
    settings.STUDY_MESSAGE_BURST = 100  # this test is about the one open check, not the rate limit
    lessons, user = three_plans
    comm, _ = await connect(user, lessons[PersonnelClass.SAFETY_MANAGER])
    player = Player(comm)
    biden = jpeg_bytes(camera_frame(faces_dir / "biden.jpg"))
    verdict = await player.run_until(lambda m: m["type"] == "verdict", on_snapshot=_still_uploader(user, biden))
    assert verdict["verdict"] == "mismatch"
    for _ in range(15):
        await comm.send_json_to({"type": "recheck"})
    replies = await _replies(comm, 15)
    assert [r["type"] for r in replies].count("snapshot") == 1  # the re-check the server asked for, once
    assert {r["reason"] for r in replies if r["type"] == "error"} == {"核验：正在核验中，请稍候"}
    assert await database_sync_to_async(Snapshot.objects.count)() == 2
    await comm.disconnect()


async def test_malformed_messages_get_an_error_reply_not_a_closed_socket(three_plans):
    lessons, user = three_plans
    comm, _ = await connect(user, lessons[PersonnelClass.SAFETY_MANAGER])
    await comm.send_to(text_data="not json")
    await comm.send_to(text_data="[1, 2]")
    await comm.send_json_to({"type": "beat", "position": "abc", "playing": True, "visible": True})
    await comm.send_to(bytes_data=b"\x00\x01")
    replies = await _replies(comm, 4)
    assert [r["reason"] for r in replies] == [
        "消息格式错误：须为 JSON 对象",
        "消息格式错误：须为 JSON 对象",
        "消息格式错误：position 须为数字",
        "消息格式错误：须为 JSON 对象",
    ]
    # "playing": "false" is not true: such beats count nothing
    for n in range(3):
        await comm.send_json_to({"type": "beat", "position": 0.2 * n, "playing": "false", "visible": True, "t": n})
        ack = await comm.receive_json_from(timeout=5)
        assert ack["type"] == "ack" and ack["t"] == n and ack["pending_seconds"] == 0
        await asyncio.sleep(0.3)
    await comm.disconnect()


@pytest.mark.redis
async def test_through_redis_the_page_cannot_break_or_drive_the_socket(three_plans, settings):
    """The same refusals when the channel layer is the real Redis (several daphne processes share it)."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [django_settings.REDIS_URL], "prefix": "study-integrity-test"},
        }
    }
    settings.FACE_SNAPSHOT_MIN_SECONDS = 60
    settings.FACE_SNAPSHOT_MAX_SECONDS = 61
    channel_layers.backends.clear()
    lessons, user = three_plans
    message, closed = await refused(user, lessons[PersonnelClass.DEPUTY_HEAD])
    assert message["type"] == "refused" and closed["code"] == 4003
    comm, _ = await connect(user, lessons[PersonnelClass.SAFETY_MANAGER])
    await comm.send_to(text_data="{")
    await comm.send_json_to({"type": "finish"})
    assert [r["reason"] for r in await _replies(comm, 2)] == ["消息格式错误：须为 JSON 对象", "未知的消息类型"]
    await comm.send_json_to({"type": "beat", "position": 0, "playing": True, "visible": True, "t": 1})
    assert (await comm.receive_json_from(timeout=5))["type"] == "ack"
    assert await database_sync_to_async(Snapshot.objects.count)() == 0
    await comm.disconnect()
