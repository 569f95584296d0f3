"""Crediting rules of face-verified study (proctoring/rules.py) and the lesson seek/replay rules."""

import random
from datetime import datetime, timedelta

import pytest

from proctoring import rules
from proctoring.rules import StudyClock, on_beat, on_check_failed, on_check_passed
from training.lesson_rules import lesson_complete, progress_gain, seek_allowed

T = 30.0  # heartbeat timeout
D = 600.0  # lesson duration


def beat(clock, now, position, playing=True, visible=True):
    return on_beat(clock, now=now, position=position, playing=playing, visible=visible, duration=D, timeout=T)


def play(seconds, *, step=10.0, start=0.0, clock=None, t0=0.0, visible=True):
    """Beats every `step` seconds while the video plays from `start` for `seconds`."""
    clock = clock or StudyClock(position=start)
    clock = beat(clock, t0, start, visible=visible).clock
    t, pos = t0, start
    while t < t0 + seconds:
        t += step
        pos += step
        clock = beat(clock, t, pos, visible=visible).clock
    return clock, t


def reach(verified=0.0, covers=60.0, requested_at=100.0, started_at=0.0, credited_at=None, failed_at=None):
    return rules.credit_reach(
        verified_second=verified,
        covers_until=covers,
        requested_at=requested_at,
        started_at=started_at,
        last_credited_at=credited_at,
        last_failed_at=failed_at,
        slack=T,
    )


def test_playing_visible_alive_counts_as_pending_until_a_check_passes():
    clock, _ = play(60)
    assert clock.pending_seconds == 60
    assert clock.verified_second == 0
    clock = on_check_passed(clock, verified_second=reach(covers=60))
    assert clock.verified_second == 60 and clock.pending_seconds == 0


def test_check_covers_only_up_to_the_point_when_it_was_requested():
    clock, _ = play(60)
    clock = on_check_passed(clock, verified_second=reach(covers=40))
    assert clock.verified_second == 40
    assert clock.pending_seconds == 20  # belongs to the next stretch


def test_a_check_credits_no_more_than_wall_clock_time_allowed():
    assert reach(covers=300, requested_at=100) == 100  # 100 s since the session started
    assert reach(verified=100, covers=300, requested_at=160, credited_at=100) == 190  # 60 s + one beat timeout
    # after a failed check (decided at 150) only what was watched since can count
    assert reach(verified=100, covers=300, requested_at=160, credited_at=100, failed_at=150) == 110
    assert reach(verified=100, covers=300, requested_at=140, failed_at=150) == 100  # the failure came later
    assert reach(verified=100, covers=50, requested_at=500) == 100  # never backwards


def test_hidden_page_counts_nothing_and_the_player_is_sent_back():
    clock, t = play(20)
    result = beat(clock, t, 20, visible=False)  # page hidden from now on
    result = beat(result.clock, t + 10, 30, visible=False)
    assert result.clock.tentative_second == 20
    assert result.seek_to == 20  # the unverified part must be watched again


def test_paused_video_counts_nothing():
    clock, t = play(20)
    clock = beat(clock, t, 20, playing=False).clock
    clock = beat(clock, t + 10, 20, playing=False).clock
    assert clock.tentative_second == 20


def test_heartbeat_within_timeout_counts_and_one_past_it_does_not():
    clock = beat(StudyClock(), 0, 0).clock
    alive = beat(clock, T, T).clock
    assert alive.tentative_second == T
    dead = beat(clock, T + 0.001, T + 0.001)
    assert dead.clock.tentative_second == 0
    assert dead.seek_to == 0


def test_seek_ahead_is_blocked_and_gives_no_time():
    clock, t = play(20)
    result = beat(clock, t + 10, 300)
    assert result.seek_to == pytest.approx(30)  # at most the 10 wall seconds since the previous beat
    assert result.clock.tentative_second == pytest.approx(30)


def test_small_jitter_is_not_a_seek():
    clock, t = play(20)
    assert beat(clock, t, 21.5).seek_to is None


def test_fast_playback_counts_no_more_than_wall_time():
    clock = beat(StudyClock(), 0, 0).clock
    clock = beat(clock, 10, 20).clock  # playbackRate 2
    assert clock.tentative_second == 10


def test_replay_of_watched_part_adds_nothing():
    clock, t = play(60)
    clock = on_check_passed(clock, verified_second=60)
    clock = beat(clock, t + 1, 0, playing=True).clock  # seek back to the start
    clock, t = play(30, clock=clock, t0=t + 1, start=0)
    assert clock.tentative_second == 60 and clock.pending_seconds == 0


def test_failed_check_drops_the_stretch_pauses_and_sends_back():
    clock, t = play(60)
    clock = on_check_passed(clock, verified_second=30)
    result = on_check_failed(clock, now=t, recheck_seconds=60)
    assert result.seek_to == 30
    assert result.clock.tentative_second == 30 and result.clock.paused
    # while paused nothing counts
    c = beat(result.clock, t + 1, 30).clock
    c = beat(c, t + 11, 40).clock
    assert c.tentative_second == 30
    # a passed re-check ends the pause without crediting anything; counting restarts with the next beat
    c = on_check_passed(c, verified_second=30)
    assert c.verified_second == 30 and not c.paused
    c = beat(c, t + 20, 30).clock
    c = beat(c, t + 30, 40).clock
    assert c.tentative_second == 40  # the 10 s since the first beat after the pause, not the pause itself


def test_recheck_deadline_is_60_seconds_and_not_extended_by_failing_again():
    clock, t = play(10)
    first = on_check_failed(clock, now=t, recheck_seconds=60).clock
    second = on_check_failed(first, now=t + 30, recheck_seconds=60).clock
    assert second.recheck_until == t + 60
    assert not rules.recheck_expired(second, now=t + 60)
    assert rules.recheck_expired(second, now=t + 60.01)


def test_end_of_lesson_caps_progress():
    clock = StudyClock(tentative_second=D - 5, position=D - 5, last_beat_at=0, playing=True)
    clock = beat(clock, 10, D + 20).clock
    assert clock.tentative_second == D


def test_snapshot_delay_within_bounds_and_bad_bounds_refused():
    rng = random.Random(1)
    delays = [rules.next_snapshot_delay(min_seconds=2, max_seconds=5, rng=rng) for _ in range(200)]
    assert min(delays) >= 2 and max(delays) <= 5 and len(set(delays)) > 100
    with pytest.raises(ValueError, match="抓拍间隔设置错误"):
        rules.next_snapshot_delay(min_seconds=5, max_seconds=2)


def test_lesson_rules_boundaries():
    assert seek_allowed(furthest=10, target=12)
    assert not seek_allowed(furthest=10, target=12.01)
    assert progress_gain(furthest=10, start=0, end=20, elapsed=20, duration=100) == 10
    assert progress_gain(furthest=10, start=13, end=20, elapsed=7, duration=100) == 0  # started past a gap
    assert progress_gain(furthest=10, start=5, end=9, elapsed=4, duration=100) == 0
    assert lesson_complete(furthest=59, duration=60) and not lesson_complete(furthest=58.9, duration=60)


def test_flag_closing_and_appeal_window():
    reviewed = datetime(2024, 5, 1, 10)
    assert rules.flag_closed_at(reviewed_at=None, appeal_status="", appeal_decided_at=None, appeal_days=15) is None
    assert (
        rules.flag_closed_at(reviewed_at=reviewed, appeal_status="pending", appeal_decided_at=None, appeal_days=15)
        is None
    )
    assert rules.flag_closed_at(
        reviewed_at=reviewed, appeal_status="", appeal_decided_at=None, appeal_days=15
    ) == reviewed + timedelta(days=15)
    decided = reviewed + timedelta(days=3)
    assert (
        rules.flag_closed_at(reviewed_at=reviewed, appeal_status="rejected", appeal_decided_at=decided, appeal_days=15)
        == decided
    )
    kw = dict(status="confirmed", reviewed_at=reviewed, appeal_days=15)
    assert rules.appeal_error(appeal_status="", now=reviewed + timedelta(days=15), **kw) is None
    assert "超过申诉期限" in rules.appeal_error(appeal_status="", now=reviewed + timedelta(days=15, seconds=1), **kw)
    assert "只能申诉一次" in rules.appeal_error(appeal_status="rejected", now=reviewed, **kw)
    assert "尚未审核" in rules.appeal_error(
        appeal_status="", status="open", reviewed_at=None, now=reviewed, appeal_days=15
    )


def test_after_a_stretch_that_did_not_count_the_player_is_sent_back_beyond_jitter():
    clock, t = play(20)
    hidden = beat(clock, t + 5, 25, visible=False).clock  # the stretch before this beat counted
    assert hidden.tentative_second == 25
    result = beat(hidden, t + 6, 26, visible=True)  # played 1 s while hidden
    assert result.seek_to == 25 and result.clock.position == 25
    assert beat(hidden, t + 6, 25.5, visible=True).seek_to is None  # jitter


def test_a_pass_on_a_frame_older_than_the_failed_check_changes_nothing():
    clock, t = play(30)
    failed = on_check_failed(clock, now=t, recheck_seconds=60, seq=3).clock
    stale = on_check_passed(failed, verified_second=0, seq=2)
    assert stale.verified_second == 0 and stale.paused
    fresh = on_check_passed(failed, verified_second=0, seq=4)
    assert fresh.verified_second == 0 and not fresh.paused


def test_beats_are_parsed_strictly():
    beat_ = rules.parse_beat({"type": "beat", "position": 12, "playing": "false", "visible": 1, "t": [1]})
    assert beat_ == rules.Beat(position=12.0, playing=False, visible=False, t=None)
    assert rules.parse_beat({"position": 0.5, "playing": True, "visible": True, "t": 7}).playing is True
    for bad, reason in [
        ([], "须为 JSON 对象"),
        ({"position": "12"}, "position 须为数字"),
        ({"position": True}, "position 须为数字"),
        ({"position": float("nan")}, "position 须为数字"),
        ({"position": -1}, "不能为负数"),
    ]:
        with pytest.raises(rules.MessageError, match=reason):
            rules.parse_beat(bad)


def test_message_budget_allows_a_burst_then_the_rate():
    budget, results = rules.MessageBudget(tokens=3), []
    for now in [0, 0, 0, 0, 0.4, 0.5]:
        budget, ok = rules.message_allowed(budget, now=now, rate=2, burst=3)
        results.append(ok)
    assert results == [True, True, True, False, False, True]
