"""The websocket of one open lesson page (SPEC 三(三)). Thin: the timing rules are proctoring/rules.py, every write
is a service in proctoring/services/, called through database_sync_to_async so the event loop never blocks.

Page → server: {"type": "beat", "position": s, "playing": true|false, "visible": true|false, "t": echo} and
{"type": "recheck"} (only after a failed check). Only the server asks for checks; the page's messages are parsed
strictly and rate-limited (STUDY_MESSAGE_BURST at once, STUDY_MESSAGES_PER_SECOND after that); anything else gets
{"type": "error", "reason": ...}, never a dropped connection.
Server → page: started, ack (echoes "t"), snapshot (upload a frame now), verdict, seek (jump back), ended, error.
What a passed check credits is decided by the crediting service in the verification task; the verdict message
carries the verified point it recorded.
"""

from __future__ import annotations

import asyncio
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from proctoring import rules
from proctoring.services import study
from proctoring.tasks import study_group


def trainee_group(trainee_id: int) -> str:
    return f"study.trainee.{trainee_id}"


@database_sync_to_async
def _start(user, lesson_id: int):
    from training.models import Lesson

    lesson = Lesson.objects.filter(pk=lesson_id).select_related("course__plan").first()
    if lesson is None or not user.is_authenticated:
        return None, "课时不存在或未登录"
    try:
        session, _ended = study.study_session_start(trainee=user.trainee, lesson=lesson)
    except ValidationError as error:
        return None, error.messages[0]
    return session, None


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


class StudyConsumer(AsyncJsonWebsocketConsumer):
    session = None

    async def connect(self):
        await self.accept()
        lesson_id = int(self.scope["url_route"]["kwargs"]["lesson_id"])
        self.session, error = await _start(self.scope["user"], lesson_id)
        if error:
            await self.send_json({"type": "refused", "reason": error})
            await self.close(code=4003)
            return
        s = self.session
        self.clock = rules.StudyClock(
            verified_second=s.verified_second, tentative_second=s.verified_second, position=s.verified_second
        )
        self.tasks: set[asyncio.Task] = set()
        self.recheck_timer = None
        self.end_check_for: float | None = None
        self.budget = rules.MessageBudget(tokens=_setting("STUDY_MESSAGE_BURST", 20))
        await self.channel_layer.group_send(
            trainee_group(s.trainee_id), {"type": "study.takeover", "session_id": s.pk}
        )
        await self.channel_layer.group_add(trainee_group(s.trainee_id), self.channel_name)
        await self.channel_layer.group_add(study_group(s.pk), self.channel_name)
        await self.send_json(
            {
                "type": "started",
                "session_id": s.pk,
                "verified_second": s.verified_second,
                "duration": s.lesson.duration_seconds,
                "heartbeat_seconds": settings.STUDY_HEARTBEAT_SECONDS,
            }
        )
        self._spawn(self._snapshot_loop())

    async def disconnect(self, code):
        if self.session is None:
            return
        for task in list(self.tasks):
            task.cancel()
        await self.channel_layer.group_discard(trainee_group(self.session.trainee_id), self.channel_name)
        await self.channel_layer.group_discard(study_group(self.session.pk), self.channel_name)
        await database_sync_to_async(study.study_session_end)(session_id=self.session.pk, reason="页面已关闭")

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Every frame from the page: rate-limited, then parsed; a bad one gets an error reply, not a 1011 close."""
        if self.session is None:
            return
        self.budget, allowed = rules.message_allowed(
            self.budget,
            now=time.monotonic(),
            rate=_setting("STUDY_MESSAGES_PER_SECOND", 2),
            burst=_setting("STUDY_MESSAGE_BURST", 20),
        )
        if not allowed:
            await self._error("消息过于频繁，已忽略")
            return
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self._error("消息格式错误：须为 JSON 对象")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        if kind == "beat":
            try:
                beat = rules.parse_beat(content)
            except rules.MessageError as error:
                await self._error(str(error))
                return
            await self._beat(beat)
        elif kind == "recheck":
            if not self.clock.paused:
                await self._error("核验：没有未通过的核验，无需重新核验")
            elif await self._request_snapshot(recheck=True) is None:
                await self._error("核验：正在核验中，请稍候")
        else:
            await self._error("未知的消息类型")

    async def _error(self, reason: str):
        await self.send_json({"type": "error", "reason": reason})

    async def _beat(self, beat: rules.Beat):
        if self.clock.visible and not beat.visible:
            await database_sync_to_async(study.study_page_hidden)(session_id=self.session.pk)
        duration = float(self.session.lesson.duration_seconds)
        result = rules.on_beat(
            self.clock,
            now=time.monotonic(),
            position=beat.position,
            playing=beat.playing,
            visible=beat.visible,
            duration=duration,
            timeout=settings.STUDY_HEARTBEAT_TIMEOUT_SECONDS,
        )
        self.clock = result.clock
        if result.seek_to is not None:
            await self.send_json({"type": "seek", "to": result.seek_to, "reason": "不能跳过未观看的内容"})
        await self.send_json(
            {
                "type": "ack",
                "t": beat.t,
                "verified_second": self.clock.verified_second,
                "pending_seconds": self.clock.pending_seconds,
                "paused": self.clock.paused,
            }
        )
        if rules.end_check_due(self.clock, duration=duration, requested_for=self.end_check_for):
            # The end of the lesson: the server asks for the last check now rather than minutes later.
            if await self._request_snapshot(recheck=False) is not None:
                self.end_check_for = self.clock.tentative_second

    # --- snapshots: the server picks the moments; the page uploads the frame over HTTP ---

    def _spawn(self, coroutine):
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _snapshot_loop(self):
        while True:
            await asyncio.sleep(
                rules.next_snapshot_delay(
                    min_seconds=settings.FACE_SNAPSHOT_MIN_SECONDS, max_seconds=settings.FACE_SNAPSHOT_MAX_SECONDS
                )
            )
            if not self.clock.paused:
                await self._request_snapshot(recheck=False)

    async def _request_snapshot(self, *, recheck: bool):
        """Ask the page for a frame; None when the service refuses (a check is still open, the session ended)."""
        try:
            snapshot = await database_sync_to_async(study.snapshot_request)(
                session_id=self.session.pk, covers_until=self.clock.tentative_second, recheck=recheck
            )
        except ValidationError:
            return None
        await self.send_json(
            {
                "type": "snapshot",
                "seq": snapshot.seq,
                "recheck": recheck,
                "url": reverse("proctoring:snapshot-upload", args=[snapshot.pk]),
            }
        )
        self._spawn(self._expect_upload(snapshot.pk))
        return snapshot

    async def _expect_upload(self, snapshot_id: int):
        await asyncio.sleep(settings.STUDY_SNAPSHOT_UPLOAD_SECONDS + 1)
        missing = await database_sync_to_async(study.snapshot_mark_missing)(snapshot_id=snapshot_id)
        if missing is not None:
            await self.study_verdict({"seq": missing.seq, "verdict": missing.verdict, "distance": None, "faces": 0})

    # --- messages from the channel layer ---

    async def study_verdict(self, event):
        """A verdict pushed by the verification task (or a missing upload). A pass was already credited by the
        task (proctoring.services.study.study_credit): the page's clock takes the verified point it recorded."""
        seq = event["seq"]
        reply = {**event, "type": "verdict"}
        if event["verdict"] == "match":
            self.clock = rules.on_check_passed(
                self.clock, verified_second=float(event.get("verified_second", 0.0)), seq=seq
            )
            reply["credited_seconds"] = event.get("credited_seconds", 0.0)
        else:
            result = rules.on_check_failed(
                self.clock, now=time.monotonic(), recheck_seconds=settings.STUDY_RECHECK_SECONDS, seq=seq
            )
            self.clock = result.clock
            reply.update(seek_to=result.seek_to, recheck_within=settings.STUDY_RECHECK_SECONDS)
            if self.recheck_timer is None or self.recheck_timer.done():
                self.recheck_timer = asyncio.create_task(self._recheck_deadline())
                self.tasks.add(self.recheck_timer)
        reply["verified_second"] = self.clock.verified_second
        await self.send_json(reply)

    async def _recheck_deadline(self):
        await asyncio.sleep(settings.STUDY_RECHECK_SECONDS + 0.5)
        if rules.recheck_expired(self.clock, now=time.monotonic()):
            await self._end("未在规定时间内完成重新核验，本次学习已结束")

    async def study_takeover(self, event):
        """Another tab or device of the same trainee opened a session: this one ends."""
        if event["session_id"] != self.session.pk:
            await self._end("已在其他窗口或设备开始学习，本页面的学习已结束", code=4001)

    async def study_ended(self, event):
        """The server ended this session (consent withdrawn: services.study.study_sessions_end_for_trainee)."""
        await self._end(event["reason"], code=4002)

    async def _end(self, reason: str, code: int = 4000):
        await database_sync_to_async(study.study_session_end)(session_id=self.session.pk, reason=reason)
        await self.send_json({"type": "ended", "reason": reason})
        await self.close(code=code)
