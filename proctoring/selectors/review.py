"""What a reviewer needs beside a flag (issue 8): the reference photo or why it is gone, the distance against the
tolerance in words, and the session's timeline (checks, pauses, credited stretches)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from proctoring.faces import tolerance as face_tolerance
from proctoring.models import EnrolmentPhoto, Flag, SnapshotVerdict
from training.models import CreditedHours
from training.rules import hours_text

# Beyond the tolerance by at least this much, two faces are plainly different people.
CLEAR_MARGIN = 0.1


def distance_words(distance: float | None, tolerance: float, *, own: bool = True) -> str:
    """The face distance against the tolerance, in words a reviewer can act on.

    own=True: distance to the trainee's own reference ("与本人照片差异 0.84，阈值 0.60：明显不是同一人");
    own=False: distance to another trainee's reference (a proxy: a small distance means the same face)."""
    if distance is None:
        return _("无人脸距离（未检测到可比对的人脸）")
    figures = {"d": f"{distance:.2f}", "t": f"{tolerance:.2f}"}
    if own:
        head = _("与本人照片差异 %(d)s，阈值 %(t)s：") % figures
        if distance <= tolerance:
            return head + _("在阈值内，判为同一人")
        if distance < tolerance + CLEAR_MARGIN:
            return head + _("略超阈值，可能不是同一人，请比对照片")
        return head + _("明显不是同一人")
    head = _("与另一学员照片差异 %(d)s，阈值 %(t)s：") % figures
    if distance <= tolerance - CLEAR_MARGIN:
        return head + _("明显是同一张脸（疑似代学）")
    if distance <= tolerance:
        return head + _("在阈值内，可能是同一人，请比对照片")
    return head + _("超出阈值，不像同一人")


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # "pass", "fail", "pause", "credit", "start", "end"
    text: str


def reference_photo(flag: Flag) -> EnrolmentPhoto | None:
    """The trainee's latest enrolment photo, or None when it was already purged (kept 7 days)."""
    trainee_id = flag.enrollment.trainee_id
    return EnrolmentPhoto.objects.filter(trainee_id=trainee_id).order_by("-created_at").first()


def matched_photo(flag: Flag) -> EnrolmentPhoto | None:
    if not flag.matched_trainee_id:
        return None
    return EnrolmentPhoto.objects.filter(trainee_id=flag.matched_trainee_id).order_by("-created_at").first()


def session_timeline(flag: Flag) -> list[Event]:
    """The study session of the flag, in time order: start, every check (passed or failed, with the re-check
    pause a failure starts), every credited stretch of the hours ledger (voided ones marked), the end."""
    session = flag.session
    if session is None:  # a flag at enrolment or from an exam has no study session
        return []
    tol = face_tolerance()
    events = [Event(session.started_at, "start", _("开始学习《%(lesson)s》") % {"lesson": session.lesson})]
    for snap in session.snapshots.order_by("seq"):
        at = snap.checked_at or snap.taken_at or snap.requested_at
        label = _("第 %(seq)s 次核验") % {"seq": snap.seq} + ("（" + _("重新核验") + "）" if snap.recheck else "")
        if snap.verdict == SnapshotVerdict.MATCH:
            events.append(Event(at, "pass", f"{label}：{_('通过')}，{distance_words(snap.distance, tol)}"))
        elif snap.verdict:
            words = distance_words(snap.distance, tol) if snap.distance is not None else snap.get_verdict_display()
            events.append(Event(at, "fail", f"{label}：{snap.get_verdict_display()}，{words}"))
            events.append(Event(at, "pause", _("计时暂停，上次核验后的观看时间不计入，等待重新核验")))
        else:
            events.append(Event(at, "pause", f"{label}：{_('等待画面')}"))
    prefix = session.credit_source_prefix
    for row in CreditedHours.objects.filter(enrollment_id=session.enrollment_id, source__startswith=prefix):
        text = _("计入线上学时 %(h)s 学时（%(source)s）") % {"h": hours_text(row.seconds), "source": row.source}
        if row.voided_at:
            text += "，" + _("已作废：%(reason)s") % {"reason": row.void_reason}
        events.append(Event(row.created_at, "credit", text))
    if session.ended_at:
        events.append(
            Event(session.ended_at, "end", _("学习结束：%(reason)s") % {"reason": session.end_reason or "—"})
        )
    return sorted(events, key=lambda e: e.at)
