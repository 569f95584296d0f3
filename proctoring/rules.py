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
Snapshot times are random between FACE_SNAPSHOT_MIN_SECONDS and FACE_SNAPSHOT_MAX_SECONDS.
"""

from __future__ import annotations

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


def on_check_passed(clock: StudyClock, *, covers_until: float, seq: int | None = None) -> tuple[StudyClock, float]:
    """A passed check credits the tentative seconds up to the point it covers; returns (clock, seconds credited).

    `covers_until` is the tentative point when the snapshot was requested: seconds reached after that belong to
    the next stretch. A passed re-check ends the pause. A pass on a frame older than the latest failed check
    (verdicts may arrive out of order from several workers) credits nothing and does not end the pause.
    """
    if seq is not None and seq < clock.failed_seq:
        return clock, 0.0
    reached = min(max(covers_until, clock.verified_second), clock.tentative_second)
    gain = reached - clock.verified_second
    return replace(clock, verified_second=reached, recheck_until=None), gain


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
    )
    return BeatResult(new, clock.verified_second)


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
