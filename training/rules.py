"""The training rules of SPEC 二(二)–(四) as pure functions over plain values.

Each function returns None when the rule holds, or the reason as a Chinese string with the figures that break
it ("线下学时占比 59.9%，低于 60%"). The numbers (hour range, shares, caps) are never constants here: the
caller reads them from the rule set in force (training.selectors.policy.rule_set_in_force). Hours are Decimal.
Every door (services, forms, admin, imports, commands, views) calls these.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)


def fmt(value) -> str:
    """24.00 → "24", 14.40 → "14.4": figures as people write them."""
    d = Decimal(value).quantize(Decimal("0.01"))
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


SECONDS_PER_HOUR = 3600


def seconds_from_hours(hours) -> int:
    """Hours as plans and sessions write them (0.01 h steps) → whole seconds, never fewer than the hours say."""
    return int((Decimal(hours) * SECONDS_PER_HOUR).to_integral_value(rounding=ROUND_UP))


def hours_from_seconds(seconds) -> Decimal:
    """Credited seconds → hours cut (never rounded up) to 0.01 h: a page never shows more than was credited."""
    return (Decimal(int(seconds)) / SECONDS_PER_HOUR).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def hours_text(seconds) -> str:
    """Credited seconds as hours for people ("14.4"); a credit under 0.01 h shows as "<0.01", never as 0."""
    hours = hours_from_seconds(seconds)
    if hours == 0 and int(seconds) > 0:
        return "<0.01"
    return fmt(hours)


def share_percent(part, total) -> Decimal:
    """part/total in percent, cut (never rounded up) to one decimal, so 59.96 % shows as 59.9 %, not 60 %."""
    if not total:
        return Decimal(0)
    return (Decimal(part) * HUNDRED / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def required_hours(total, percent) -> Decimal:
    """percent of total, rounded up to 0.01 hour: 60 % of 24 → 14.4."""
    return (Decimal(total) * Decimal(percent) / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_UP)


def total_hours_error(*, total, min_hours, max_hours) -> str | None:
    """总学时 within [min, max] (24–48 for classes 1 and 2, 24–72 for team leaders by default)."""
    total, min_hours, max_hours = Decimal(total), Decimal(min_hours), Decimal(max_hours)
    if total < min_hours:
        return f"总学时 {fmt(total)}，少于规定的 {fmt(min_hours)}–{fmt(max_hours)} 学时（差 {fmt(min_hours - total)}）"
    if total > max_hours:
        return f"总学时 {fmt(total)}，超过规定的 {fmt(min_hours)}–{fmt(max_hours)} 学时（多 {fmt(total - max_hours)}）"
    return None


def offline_share_error(*, offline, total, min_percent) -> str | None:
    """线下学时 ≥ min_percent of the total (60 % by default). Compared exactly, shown cut to 0.1 %."""
    offline, total, min_percent = Decimal(offline), Decimal(total), Decimal(min_percent)
    if offline * HUNDRED >= min_percent * total:
        return None
    return (
        f"线下学时占比 {fmt(share_percent(offline, total))}%，低于 {fmt(min_percent)}%"
        f"（线下 {fmt(offline)}/{fmt(required_hours(total, min_percent))} 学时）"
    )


def practical_share_error(*, practical, total, min_percent) -> str | None:
    """实训学时 ≥ min_percent of the total (25 % for team leaders by default; 0 = no such rule)."""
    practical, total, min_percent = Decimal(practical), Decimal(total), Decimal(min_percent)
    if min_percent <= 0 or practical * HUNDRED >= min_percent * total:
        return None
    return (
        f"实训学时占比 {fmt(share_percent(practical, total))}%，低于 {fmt(min_percent)}%"
        f"（实训 {fmt(practical)}/{fmt(required_hours(total, min_percent))} 学时）"
    )


def documentary_error(*, required: bool, included: bool, title: str = "生命重于泰山") -> str | None:
    """The documentary 《生命重于泰山》 is compulsory for everyone (必学)."""
    if required and not included:
        return f"缺少必学专题片《{title}》"
    return None


def class_capacity_error(*, capacity: int, enrolled: int, adding: int = 1) -> str | None:
    """An offline class holds at most `capacity` people (40 for deputy heads, 80 for the others by default)."""
    if enrolled + adding <= capacity:
        return None
    return f"班级人数超过上限：上限 {capacity} 人，已有 {enrolled} 人，再加入 {adding} 人将达 {enrolled + adding} 人"


def capacity_setting_error(*, capacity: int, max_capacity: int) -> str | None:
    """A class may be smaller than the rule set's cap, never larger."""
    if capacity < 1:
        return "人数上限须至少为 1 人"
    if capacity > max_capacity:
        return f"人数上限 {capacity} 人，超过培训规则规定的 {max_capacity} 人"
    return None


def class_personnel_error(*, class_personnel: int, trainee_personnel: int, class_label: str = "") -> str | None:
    """A class is for one personnel class: a safety manager does not sit in the deputy heads' class."""
    if class_personnel == trainee_personnel:
        return None
    return f"班级{class_label}的人员类别与学员的人员类别不符"


def active_project_error(*, other_active_projects: Iterable[str]) -> str | None:
    """One active project per person: a second one would be a double claim on the fund (三(二))."""
    others = sorted(set(other_active_projects))
    if not others:
        return None
    return f"该学员已在另一个在训项目中（{'、'.join(others)}）"


@dataclass(frozen=True)
class TimeSlot:
    date: datetime.date
    start: datetime.time
    end: datetime.time
    label: str = ""


def sessions_overlap_error(*, slot: TimeSlot, others: Iterable[TimeSlot]) -> str | None:
    """A person cannot attend two sessions that overlap in time (touching end-to-start is fine)."""
    for other in others:
        if other.date == slot.date and slot.start < other.end and other.start < slot.end:
            return (
                f"时间冲突：{slot.date:%Y-%m-%d} {slot.start:%H:%M}-{slot.end:%H:%M} 与已参加的课次"
                f"{other.label} {other.start:%H:%M}-{other.end:%H:%M} 重叠"
            )
    return None


@dataclass(frozen=True)
class ClassRuleValues:
    """The numbers of one personnel class in a rule set, as plain values."""

    min_total_hours: Decimal
    max_total_hours: Decimal
    min_offline_percent: Decimal
    min_practical_percent: Decimal
    class_capacity: int
    documentary_required: bool = True
    documentary_title: str = "生命重于泰山"
    max_offline_hours_per_day: Decimal = Decimal(8)


def plan_errors(
    *, online, offline_theory, offline_practical, has_documentary: bool, rule: ClassRuleValues
) -> list[str]:
    """Every rule a training plan's hours must meet; empty list = the plan may be approved."""
    offline = Decimal(offline_theory) + Decimal(offline_practical)
    total = Decimal(online) + offline
    checks = [
        total_hours_error(total=total, min_hours=rule.min_total_hours, max_hours=rule.max_total_hours),
        offline_share_error(offline=offline, total=total, min_percent=rule.min_offline_percent),
        practical_share_error(practical=offline_practical, total=total, min_percent=rule.min_practical_percent),
        documentary_error(required=rule.documentary_required, included=has_documentary, title=rule.documentary_title),
    ]
    return [reason for reason in checks if reason]


# The project workflow (SPEC 三(一) 项目申报 → 联合遴选 → 专家评审 → 择优确定 → 合同 → 实施 → 验收).
PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"expert_review", "draft"}),
    "expert_review": frozenset({"selected", "rejected"}),
    "selected": frozenset({"contracted"}),
    "contracted": frozenset({"in_progress"}),
    "in_progress": frozenset({"accepted"}),
    "rejected": frozenset(),
    "accepted": frozenset(),
}


def project_transition_error(*, from_status: str, to_status: str, labels: dict | None = None) -> str | None:
    """Only the workflow's steps are allowed; a project never jumps or goes back except submitted → draft."""
    if to_status in PROJECT_TRANSITIONS.get(from_status, ()):
        return None
    labels = labels or {}
    return f"项目状态不能从“{labels.get(from_status, from_status)}”变为“{labels.get(to_status, to_status)}”"


def review_score_error(*, score) -> str | None:
    """Expert scores are whole numbers from 0 to 100."""
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
        return f"评分：须为 0–100 的整数（收到 {score}）"
    return None


def looser_than_national_errors(*, regional: ClassRuleValues, national: ClassRuleValues, label: str = "") -> list[str]:
    """A province (or city, county) may tighten or detail the national rules, never loosen them (SPEC 二)."""
    checks = [
        ("最少总学时", regional.min_total_hours, national.min_total_hours, "低于"),
        ("最多总学时", regional.max_total_hours, national.max_total_hours, "高于"),
        ("线下学时最低占比(%)", regional.min_offline_percent, national.min_offline_percent, "低于"),
        ("实训学时最低占比(%)", regional.min_practical_percent, national.min_practical_percent, "低于"),
        ("线下班级人数上限", regional.class_capacity, national.class_capacity, "高于"),
        ("每日线下学时上限", regional.max_offline_hours_per_day, national.max_offline_hours_per_day, "高于"),
    ]
    errors = []
    for name, mine, theirs, word in checks:
        looser = Decimal(mine) < Decimal(theirs) if word == "低于" else Decimal(mine) > Decimal(theirs)
        if looser:
            errors.append(f"{label}{name} {fmt(mine)}，{word}全国规定的 {fmt(theirs)}")
    if national.documentary_required and not regional.documentary_required:
        errors.append(f"{label}不能取消必学专题片《{national.documentary_title}》")
    return errors


# Offline sessions and attendance (SPEC 三(三): the fund pays only for attendance that was genuinely verified).
SECONDS_PER_HOUR = 3600
CENT = Decimal("0.01")


def hours_between(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    """Whole seconds from start to end as hours, cut (never rounded up) to 0.01 h; 0 when end is not after start."""
    seconds = int((end - start).total_seconds())
    if seconds <= 0:
        return Decimal(0)
    return (Decimal(seconds) / SECONDS_PER_HOUR).quantize(CENT, rounding=ROUND_DOWN)


def session_hours(*, start: datetime.time, end: datetime.time) -> Decimal:
    """A session's hours are its scheduled length (1 学时 = 60 minutes, like online study): 08:30–12:30 → 4."""
    day = datetime.date(2000, 1, 1)
    return hours_between(datetime.datetime.combine(day, start), datetime.datetime.combine(day, end))


def session_day_error(*, hours, scheduled_that_day, max_per_day, label: str = "") -> str | None:
    """A class's sessions of one day add up to at most the rule set's daily maximum (8 by default)."""
    hours, scheduled, max_per_day = Decimal(hours), Decimal(scheduled_that_day), Decimal(max_per_day)
    if scheduled + hours <= max_per_day:
        return None
    if not scheduled:
        return f"课次时长 {fmt(hours)} 学时，超过每日线下学时上限 {fmt(max_per_day)} 学时"
    return (
        f"{label}当日已安排 {fmt(scheduled)} 学时，再加 {fmt(hours)} 学时将达 {fmt(scheduled + hours)} 学时，"
        f"超过每日线下学时上限 {fmt(max_per_day)} 学时"
    )


def session_started_error(*, now: datetime.datetime, starts_at: datetime.datetime) -> str | None:
    """No attendance before a session has started (a session dated ahead cannot collect sign-ins)."""
    if now >= starts_at:
        return None
    return f"课次尚未开始（{starts_at:%Y-%m-%d %H:%M} 开始），不能记录考勤"


def attendance_times_error(*, signed_in_at, signed_out_at, now: datetime.datetime, starts_at, ends_at) -> str | None:
    """Times are not in the future, and the person was there during the session (in before its end, out after
    its start)."""
    for label, moment in (("签到", signed_in_at), ("签退", signed_out_at)):
        if moment is not None and moment > now:
            return f"{label}时间 {moment:%Y-%m-%d %H:%M} 晚于当前时间，不能预先记录"
    if signed_in_at >= ends_at:
        return f"签到时间 {signed_in_at:%Y-%m-%d %H:%M} 不早于课次结束时间 {ends_at:%H:%M}，不在课次时间内"
    if signed_out_at is not None and signed_out_at <= starts_at:
        return f"签退时间 {signed_out_at:%Y-%m-%d %H:%M} 不晚于课次开始时间 {starts_at:%H:%M}，不在课次时间内"
    return None


@dataclass(frozen=True)
class OfflineCredit:
    hours: Decimal
    reasons: tuple[str, ...] = ()


def offline_credit(
    *,
    present: Decimal,
    session: Decimal,
    max_per_day,
    credited_that_day,
    plan_hours,
    credited_of_kind,
    kind_label: str = "线下",
) -> OfflineCredit:
    """What one attendance credits: the time present within the session, never more than the session, the
    daily maximum left, or what the plan's offline courses of that kind still provide. Reasons name each cut."""
    present, session = Decimal(present), Decimal(session)
    left_today = max(Decimal(0), Decimal(max_per_day) - Decimal(credited_that_day))
    left_in_plan = max(Decimal(0), Decimal(plan_hours) - Decimal(credited_of_kind))
    hours = min(present, session, left_today, left_in_plan)
    reasons = []
    if present < session and hours == present:
        reasons.append(f"在场 {fmt(present)} 学时，少于课次的 {fmt(session)} 学时")
    if left_today < min(present, session) and hours == left_today:
        reasons.append(f"当日线下学时已记 {fmt(credited_that_day)}，每日上限 {fmt(max_per_day)}")
    if left_in_plan < min(present, session, left_today) and hours == left_in_plan:
        reasons.append(f"培训计划的{kind_label}课程共 {fmt(plan_hours)} 学时，已记 {fmt(credited_of_kind)}")
    return OfflineCredit(hours=max(hours, Decimal(0)).quantize(CENT, rounding=ROUND_DOWN), reasons=tuple(reasons))


def contract_scale_error(*, class_label: str, planned: int, enrolled: int, adding: int = 1) -> str | None:
    """A project enrols at most the service contract's scale (计划培训人数) of each personnel class (三(一)): the
    fund pays for the people contracted, not for whoever a roster adds."""
    if enrolled + adding <= planned:
        return None
    return (
        f"超出服务合同规模：{class_label}计划培训 {planned} 人，已报名 {enrolled} 人，"
        f"再报名 {adding} 人将达 {enrolled + adding} 人"
    )


# ---- a provider's standing (SPEC 三(三): lax providers are suspended or removed) --------------------------------

WORKING_STATUS = "active"  # training.models.ProviderStatus.ACTIVE; plain value, as every rule here takes


def provider_may_work(status: str) -> bool:
    """Only an active provider submits rosters, forms classes and claims: a suspended or removed one does not."""
    return status == WORKING_STATUS


def provider_work_error(*, name: str, status: str, status_label: str, reason: str, action: str) -> str | None:
    """Why the provider may not do `action` ("提交花名册", "开设班级", "申领工伤预防费"), with its status and the
    reason given when it changed; None when it may."""
    if provider_may_work(status):
        return None
    return _("培训机构“%(name)s”状态为“%(status)s”（%(reason)s），不能%(action)s") % {
        "name": name,
        "status": status_label,
        "reason": reason or _("未说明原因"),
        "action": action,
    }
