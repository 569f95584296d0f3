"""Boundary tests of every training rule as a pure function (SPEC 二(二)–(四))."""

import datetime
from decimal import Decimal

import pytest

from training.rules import (
    ClassRuleValues,
    TimeSlot,
    active_project_error,
    capacity_setting_error,
    class_capacity_error,
    documentary_error,
    offline_share_error,
    plan_errors,
    practical_share_error,
    project_transition_error,
    review_score_error,
    sessions_overlap_error,
    total_hours_error,
)

D = Decimal


@pytest.mark.parametrize(
    "total, reason",
    [
        ("23.5", "总学时 23.5，少于规定的 24–48 学时（差 0.5）"),
        ("24", None),
        ("48", None),
        ("48.5", "总学时 48.5，超过规定的 24–48 学时（多 0.5）"),
    ],
)
def test_total_hours_deputy_heads_and_managers(total, reason):
    assert total_hours_error(total=D(total), min_hours=D(24), max_hours=D(48)) == reason


@pytest.mark.parametrize(
    "total, reason",
    [
        ("23.5", "总学时 23.5，少于规定的 24–72 学时（差 0.5）"),
        ("24", None),
        ("72", None),
        ("72.5", "总学时 72.5，超过规定的 24–72 学时（多 0.5）"),
    ],
)
def test_total_hours_team_leaders(total, reason):
    assert total_hours_error(total=D(total), min_hours=D(24), max_hours=D(72)) == reason


def test_offline_share_boundary():
    assert offline_share_error(offline=D("59.9"), total=D(100), min_percent=D(60)) == (
        "线下学时占比 59.9%，低于 60%（线下 59.9/60 学时）"
    )
    assert offline_share_error(offline=D(60), total=D(100), min_percent=D(60)) is None


def test_offline_share_is_never_shown_rounded_up_to_the_limit():
    # 14.39 of 24 is 59.958 %: shown as 59.9 %, not "60 %, below 60 %".
    reason = offline_share_error(offline=D("14.39"), total=D(24), min_percent=D(60))
    assert reason == "线下学时占比 59.9%，低于 60%（线下 14.39/14.4 学时）"
    assert offline_share_error(offline=D("14.4"), total=D(24), min_percent=D(60)) is None


def test_practical_share_boundary():
    assert practical_share_error(practical=D("24.9"), total=D(100), min_percent=D(25)) == (
        "实训学时占比 24.9%，低于 25%（实训 24.9/25 学时）"
    )
    assert practical_share_error(practical=D(25), total=D(100), min_percent=D(25)) is None


def test_practical_share_does_not_apply_when_the_minimum_is_zero():
    assert practical_share_error(practical=D(0), total=D(48), min_percent=D(0)) is None


@pytest.mark.parametrize(
    "capacity, enrolled, reason",
    [
        (40, 39, None),
        (40, 40, "班级人数超过上限：上限 40 人，已有 40 人，再加入 1 人将达 41 人"),
        (80, 79, None),
        (80, 80, "班级人数超过上限：上限 80 人，已有 80 人，再加入 1 人将达 81 人"),
    ],
)
def test_class_capacity_boundary(capacity, enrolled, reason):
    assert class_capacity_error(capacity=capacity, enrolled=enrolled) == reason


def test_class_capacity_counts_a_batch():
    assert class_capacity_error(capacity=40, enrolled=30, adding=10) is None
    assert class_capacity_error(capacity=40, enrolled=30, adding=11) == (
        "班级人数超过上限：上限 40 人，已有 30 人，再加入 11 人将达 41 人"
    )


@pytest.mark.parametrize(
    "capacity, reason", [(40, None), (41, "人数上限 41 人，超过培训规则规定的 40 人"), (0, "人数上限须至少为 1 人")]
)
def test_capacity_setting(capacity, reason):
    assert capacity_setting_error(capacity=capacity, max_capacity=40) == reason


def test_documentary_is_compulsory():
    assert documentary_error(required=True, included=False) == "缺少必学专题片《生命重于泰山》"
    assert documentary_error(required=True, included=True) is None
    assert documentary_error(required=False, included=False) is None


def test_one_active_project():
    assert active_project_error(other_active_projects=[]) is None
    assert active_project_error(other_active_projects=["LYG-2024"]) == "该学员已在另一个在训项目中（LYG-2024）"


def _slot(start, end, day=datetime.date(2024, 5, 6), label=""):
    return TimeSlot(day, datetime.time(*start), datetime.time(*end), label)


def test_overlapping_sessions():
    morning = _slot((9, 0), (12, 0), label="（DY-2024-2-02）")
    assert sessions_overlap_error(slot=_slot((11, 0), (13, 0)), others=[morning]) == (
        "时间冲突：2024-05-06 11:00-13:00 与已参加的课次（DY-2024-2-02） 09:00-12:00 重叠"
    )
    assert sessions_overlap_error(slot=_slot((12, 0), (14, 0)), others=[morning]) is None  # back to back
    assert sessions_overlap_error(slot=_slot((8, 0), (9, 0)), others=[morning]) is None
    other_day = _slot((9, 0), (12, 0), day=datetime.date(2024, 5, 7))
    assert sessions_overlap_error(slot=other_day, others=[morning]) is None
    assert sessions_overlap_error(slot=_slot((9, 30), (10, 0)), others=[morning]) is not None  # inside


RULE = ClassRuleValues(D(24), D(72), D(60), D(25), 80)


def test_plan_errors_lists_every_broken_rule_with_figures():
    errors = plan_errors(online=D(12), offline_theory=D(10), offline_practical=D(1), has_documentary=False, rule=RULE)
    assert errors == [
        "总学时 23，少于规定的 24–72 学时（差 1）",
        "线下学时占比 47.8%，低于 60%（线下 11/13.8 学时）",
        "实训学时占比 4.3%，低于 25%（实训 1/5.75 学时）",
        "缺少必学专题片《生命重于泰山》",
    ]
    assert (
        plan_errors(online=D("9.6"), offline_theory=D("8.4"), offline_practical=D(6), has_documentary=True, rule=RULE)
        == []
    )


def test_project_transitions():
    assert project_transition_error(from_status="draft", to_status="submitted") is None
    assert project_transition_error(
        from_status="draft", to_status="contracted", labels={"draft": "草稿", "contracted": "已签订合同"}
    ) == ("项目状态不能从“草稿”变为“已签订合同”")
    assert project_transition_error(from_status="accepted", to_status="in_progress") is not None


@pytest.mark.parametrize("score, ok", [(0, True), (100, True), (101, False), (-1, False), (True, False)])
def test_review_score(score, ok):
    assert (review_score_error(score=score) is None) is ok
