"""The rules of face-verified online study (SPEC 三(三)), as pure functions over plain values.

Time counts only for stretches between passed checks while the video plays, the page is visible and the
heartbeat is alive:
- every message from the page is a beat carrying the player position, playing and visible;
- lesson seconds reached while the previous beat said "playing and visible" and arrived within the heartbeat
  timeout are *tentative* (never more than the wall-clock time that passed; replays and skipped parts add nothing:
  training/lesson_rules.py);
- a passed check turns the tentative seconds up to the point it covers into *verified* (credited) seconds;
- a failed check throws the tentative seconds away, sends the player back to the last verified point, pauses the
  timer and asks for a re-check within STUDY_RECHECK_SECONDS; no re-check in time ends the session.
Snapshot times are random between FACE_SNAPSHOT_MIN_SECONDS and FACE_SNAPSHOT_MAX_SECONDS; only the server asks
for a check (plus one when the lesson's end is reached with unverified seconds), one check at a time.
What a passed check credits is decided by the crediting service from the recorded checks (`credit_reach`), never
by the consumer's memory. Messages from the page are parsed strictly (`parse_beat`) and rate-limited
(`message_allowed`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from training.lesson_rules import progress_gain, seek_allowed

RESUME_JITTER_SECONDS = 0.5


@dataclass(frozen=True)
class StudyClock:
    """The crediting state of one study session. Times are seconds on one clock (e.g. time.monotonic())."""

    verified_second: float = 0.0  # furthest lesson point covered by a passed check
    tentative_second: float = 0.0  # furthest point reached while everything was in order since then
    position: float = 0.0  # last reported player position
    last_beat_at: float | None = None
    playing: bool = False
    visible: bool = True
    recheck_until: float | None = None  # set while the timer is paused after a failed check
    failed_seq: int = 0  # number of the latest failed check: a verdict on an older frame changes nothing

    @property
    def paused(self) -> bool:
        return self.recheck_until is not None

    @property
    def pending_seconds(self) -> float:
        return self.tentative_second - self.verified_second


@dataclass(frozen=True)
class BeatResult:
    clock: StudyClock
    seek_to: float | None  # the page must jump back here (a blocked seek, or lost unverified time)


def heartbeat_alive(*, last_beat_at: float | None, now: float, timeout: float) -> bool:
    return last_beat_at is not None and 0 <= now - last_beat_at <= timeout


def on_beat(
    clock: StudyClock, *, now: float, position: float, playing: bool, visible: bool, duration: float, timeout: float
) -> BeatResult:
    """Apply one beat from the page: count the stretch since the previous beat if it was in order."""
    elapsed = now - clock.last_beat_at if clock.last_beat_at is not None else 0.0
    in_order = (
        heartbeat_alive(last_beat_at=clock.last_beat_at, now=now, timeout=timeout)
        and clock.playing
        and clock.visible
        and not clock.paused
    )
    tentative = clock.tentative_second
    if in_order:
        gain = progress_gain(
            furthest=tentative, start=clock.position, end=position, elapsed=elapsed, duration=duration
        )
        if gain > 0:
            tentative = max(clock.position, tentative) + gain
    seek_to = None
    # After a stretch that did not count (hidden, paused, heartbeat lost) the player may not stand further than
    # jitter ahead of the counted point: what it played meanwhile must be watched again.
    if not seek_allowed(furthest=tentative, target=position, slack=None if in_order else RESUME_JITTER_SECONDS):
        seek_to = tentative
        position = tentative
    new = replace(
        clock, tentative_second=tentative, position=position, last_beat_at=now, playing=playing, visible=visible
    )
    return BeatResult(new, seek_to)


def on_check_passed(clock: StudyClock, *, verified_second: float, seq: int | None = None) -> StudyClock:
    """A passed check: the page's clock takes the verified point the crediting service recorded
    (proctoring.services.study.study_credit decides it from the stored checks, not from this clock).

    A passed re-check ends the pause; counting restarts with the next beat (the beat interval that straddles the
    pause never counts). A pass on a frame older than the latest failed check (verdicts may arrive out of order
    from several workers) does not end the pause.
    """
    verified = max(clock.verified_second, verified_second)
    new = replace(clock, verified_second=verified, tentative_second=max(clock.tentative_second, verified))
    if seq is not None and seq < clock.failed_seq:
        return new
    if clock.paused:
        new = replace(new, recheck_until=None, last_beat_at=None)
    return new


def on_check_failed(clock: StudyClock, *, now: float, recheck_seconds: float, seq: int = 0) -> BeatResult:
    """A failed check: the stretch since the last passed check is lost, the timer pauses, a re-check is due.

    A failure during the re-check window keeps the original deadline (the window is not extended by failing).
    """
    deadline = clock.recheck_until if clock.paused else now + recheck_seconds
    new = replace(
        clock,
        tentative_second=clock.verified_second,
        position=min(clock.position, clock.verified_second),
        recheck_until=deadline,
        failed_seq=max(clock.failed_seq, seq),
        last_beat_at=None,
    )
    return BeatResult(new, clock.verified_second)


def end_check_due(clock: StudyClock, *, duration: float, requested_for: float | None) -> bool:
    """The server asks for one check when the lesson's end is reached with unverified seconds (the page cannot ask:
    `requested_for` is the tentative point an end check was already asked for)."""
    return (
        not clock.paused
        and clock.pending_seconds > 0
        and clock.tentative_second >= duration - 1
        and requested_for != clock.tentative_second
    )


def credit_reach(
    *,
    verified_second: float,
    covers_until: float,
    requested_at: float,
    started_at: float,
    last_credited_at: float | None,
    last_failed_at: float | None,
    slack: float,
) -> float:
    """How far a passed check moves the verified point (times are seconds on one clock, e.g. POSIX timestamps).

    The check covers the lesson point recorded when the server asked for it (`covers_until`), but never more new
    seconds than wall-clock time could have given since:
    - the session started (the first beat counts nothing);
    - the last credited check was asked for, plus `slack` (one heartbeat interval may straddle that moment);
    - the last failed check was decided (everything before it was thrown away; counting restarts after it).
    """
    budget = requested_at - started_at
    if last_credited_at is not None:
        budget = min(budget, requested_at - last_credited_at + slack)
    if last_failed_at is not None:
        budget = min(budget, requested_at - last_failed_at)
    return max(verified_second, min(covers_until, verified_second + max(0.0, budget)))


# --- messages from the page ---


class MessageError(ValueError):
    """A message from the page that cannot be used; the text is the reply's reason."""


@dataclass(frozen=True)
class Beat:
    position: float
    playing: bool
    visible: bool
    t: float | str | None


def _echo(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    if isinstance(value, str) and len(value) <= 64:
        return value
    return None


def parse_beat(content) -> Beat:
    """A beat {"type": "beat", "position": s, "playing": b, "visible": b, "t": echo}, parsed strictly.

    Only JSON true is true ("false", 1 or a missing field are not); the position must be a finite number ≥ 0.
    """
    if not isinstance(content, dict):
        raise MessageError("消息格式错误：须为 JSON 对象")
    position = content.get("position")
    if isinstance(position, bool) or not isinstance(position, int | float) or not math.isfinite(position):
        raise MessageError("消息格式错误：position 须为数字")
    if position < 0:
        raise MessageError("消息格式错误：position 不能为负数")
    return Beat(
        position=float(position),
        playing=content.get("playing") is True,
        visible=content.get("visible") is True,
        t=_echo(content.get("t")),
    )


@dataclass(frozen=True)
class MessageBudget:
    """A token bucket of the page's messages: `burst` at once, refilled at `rate` per second."""

    tokens: float
    at: float | None = None


def message_allowed(budget: MessageBudget, *, now: float, rate: float, burst: float) -> tuple[MessageBudget, bool]:
    """Take one message from the bucket; (new budget, allowed)."""
    tokens = budget.tokens if budget.at is None else min(burst, budget.tokens + (now - budget.at) * rate)
    if tokens < 1:
        return MessageBudget(tokens, now), False
    return MessageBudget(tokens - 1, now), True


def recheck_expired(clock: StudyClock, *, now: float) -> bool:
    return clock.paused and now > clock.recheck_until


def next_snapshot_delay(*, min_seconds: float, max_seconds: float, rng: random.Random | None = None) -> float:
    """Seconds until the next snapshot: uniformly random between the bounds, so the page cannot predict it."""
    if min_seconds <= 0 or max_seconds < min_seconds:
        raise ValueError(f"抓拍间隔设置错误：最小 {min_seconds} 秒，最大 {max_seconds} 秒")
    return (rng or random.SystemRandom()).uniform(min_seconds, max_seconds)


def snapshot_expires_at(*, taken_at: datetime, retention_hours: float) -> datetime:
    """An unflagged snapshot is deleted this long after it was taken (BIOMETRIC_SNAPSHOT_RETENTION_HOURS)."""
    return taken_at + timedelta(hours=retention_hours)


def flag_closed_at(
    *, reviewed_at: datetime | None, appeal_status: str, appeal_decided_at: datetime | None, appeal_days: float
) -> datetime | None:
    """When a flag's case is closed: the appeal was decided, or the appeal window after the review ran out.

    None while the case is open (not reviewed, or an appeal pending): its evidence must be kept.
    """
    if reviewed_at is None or appeal_status == "pending":
        return None
    if appeal_status in ("upheld", "rejected"):
        return appeal_decided_at
    return reviewed_at + timedelta(days=appeal_days)


def appeal_error(
    *, status: str, appeal_status: str, reviewed_at: datetime | None, now: datetime, appeal_days: float
) -> str | None:
    """A trainee may appeal a reviewed flag once, within the appeal window."""
    if appeal_status:
        return "申诉：每条异常记录只能申诉一次"
    if reviewed_at is None or status == "open":
        return "申诉：该记录尚未审核，无需申诉"
    if now > reviewed_at + timedelta(days=appeal_days):
        return f"申诉：已超过申诉期限（审核后 {appeal_days:g} 天）"
    return None
