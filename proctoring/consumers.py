"""The websocket of one open lesson page (SPEC 三(三)). Thin: the timing rules are proctoring/rules.py, every write
is a service in proctoring/services/, called through database_sync_to_async so the event loop never blocks.

Page → server: {"type": "beat", "position": s, "playing": b, "visible": b, "t": echo}, {"type": "recheck"},
{"type": "finish"}.
Server → page: started, ack (echoes "t"), snapshot (upload a frame now), verdict, seek (jump back), ended.
"""

from __future__ import annotations

import asyncio
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

    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None or not user.is_authenticated:
        return None, "课时不存在或未登录"
    try:
        session, _ended = study.study_session_start(trainee=user.trainee, lesson=lesson)
    except ValidationError as error:
        return None, error.messages[0]
    return session, None


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
        self.covers: dict[int, float] = {}
        self.tasks: set[asyncio.Task] = set()
        self.recheck_timer = None
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

    async def receive_json(self, content, **kwargs):
        if self.session is None:
            return
        kind = content.get("type")
        if kind == "beat":
            await self._beat(content)
        elif kind == "recheck" and self.clock.paused:
            await self._request_snapshot(recheck=True)
        elif kind == "finish" and not self.clock.paused:
            await self._request_snapshot(recheck=False)

    async def _beat(self, content):
        visible = bool(content.get("visible", True))
        if self.clock.visible and not visible:
            await database_sync_to_async(study.study_page_hidden)(session_id=self.session.pk)
        result = rules.on_beat(
            self.clock,
            now=time.monotonic(),
            position=float(content.get("position", 0)),
            playing=bool(content.get("playing")),
            visible=visible,
            duration=float(self.session.lesson.duration_seconds),
            timeout=settings.STUDY_HEARTBEAT_TIMEOUT_SECONDS,
        )
        self.clock = result.clock
        if result.seek_to is not None:
            await self.send_json({"type": "seek", "to": result.seek_to, "reason": "不能跳过未观看的内容"})
        await self.send_json(
            {
                "type": "ack",
                "t": content.get("t"),
                "verified_second": self.clock.verified_second,
                "pending_seconds": self.clock.pending_seconds,
                "paused": self.clock.paused,
            }
        )

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
        snapshot = await database_sync_to_async(study.snapshot_request)(
            session_id=self.session.pk, covers_until=self.clock.tentative_second, recheck=recheck
        )
        self.covers[snapshot.seq] = snapshot.covers_until
        await self.send_json(
            {
                "type": "snapshot",
                "seq": snapshot.seq,
                "recheck": recheck,
                "url": reverse("proctoring:snapshot-upload", args=[snapshot.pk]),
            }
        )
        self._spawn(self._expect_upload(snapshot.pk))

    async def _expect_upload(self, snapshot_id: int):
        await asyncio.sleep(settings.STUDY_SNAPSHOT_UPLOAD_SECONDS + 1)
        missing = await database_sync_to_async(study.snapshot_mark_missing)(snapshot_id=snapshot_id)
        if missing is not None:
            await self.study_verdict({"seq": missing.seq, "verdict": missing.verdict, "distance": None, "faces": 0})

    # --- messages from the channel layer ---

    async def study_verdict(self, event):
        """A verdict pushed by the verification task (or a missing upload)."""
        seq = event["seq"]
        reply = {**event, "type": "verdict"}
        if event["verdict"] == "match":
            self.clock, _gain = rules.on_check_passed(self.clock, covers_until=self.covers.pop(seq, 0.0), seq=seq)
            await database_sync_to_async(study.study_credit)(
                session_id=self.session.pk, verified_second=self.clock.verified_second, seq=seq
            )
            self.session = await database_sync_to_async(type(self.session).objects.select_related("lesson").get)(
                pk=self.session.pk
            )
            reply["credited_seconds"] = self.session.credited_seconds
        else:
            self.covers.pop(seq, None)
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
