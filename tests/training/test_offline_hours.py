"""Issue 7 finding 1: a provider cannot create offline hours. Seen through the pages a provider uses (class page,
attendance sheet), so the tests go through them; the rules and services are tested beside them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import region_tree
from tests.training import builders
from training.models import Attendance, ClassSession, CreditedHours, PersonnelClass, SessionKind
from training.rules import ClassRuleValues, looser_than_national_errors, offline_credit, session_hours
from training.services.classes import class_session_create
from training.services.policy import NATIONAL_DEFAULT, rule_set_create

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def provider():
    """provider_dongying's situation: a team leaders' class of an approved-shape plan (practical 6 h)."""
    project = builders.project()
    builders.plan(project, PersonnelClass.TEAM_LEADER, online="9.6", theory="8.4", practical="6")
    oc = builders.offline_class(project, PersonnelClass.TEAM_LEADER, code="DY-2024-3-09")
    return oc, builders.enrol(project, oc), builders.provider_staff(project)


def _add_session(client, oc, day, start, end, hours="500", kind=SessionKind.PRACTICAL):
    data = {"date": day.isoformat(), "start": start, "end": end, "venue": "实训基地", "hours": hours, "kind": kind}
    return client.post(reverse("class-detail", args=[oc.pk]), data, follow=True)


def _sheet(client, session, enrollment, signed_in, signed_out):
    data = {
        f"in-{enrollment.pk}": signed_in,
        f"out-{enrollment.pk}": signed_out,
        f"reason-{enrollment.pk}": "手机没电",
    }
    return client.post(reverse("attendance-sheet", args=[session.pk]), data, follow=True)


def test_a_one_minute_session_declared_500_hours_credits_one_minute(client, provider):
    oc, enrollment, staff = provider
    client.force_login(staff)
    day = datetime.date(2024, 5, 6)
    _add_session(client, oc, day, "06:00", "06:01", hours="500")
    session = ClassSession.objects.get(offline_class=oc)
    assert session.hours == D("0.01")  # from 06:00–06:01, whatever was typed
    _sheet(client, session, enrollment, "06:00", "06:01")
    credits = list(CreditedHours.objects.filter(enrollment=enrollment).values_list("seconds", flat=True))
    assert credits == [36]  # 0.01 h, in the ledger's seconds


def test_a_session_longer_than_the_daily_maximum_is_refused_on_the_page(client, provider):
    oc, enrollment, staff = provider
    client.force_login(staff)
    page = _add_session(client, oc, datetime.date(2024, 5, 6), "06:00", "22:00").content.decode()
    assert "课次时长 16 学时，超过每日线下学时上限 8 学时" in page
    _add_session(client, oc, datetime.date(2024, 5, 7), "08:00", "13:00")
    page = _add_session(client, oc, datetime.date(2024, 5, 7), "14:00", "18:00").content.decode()
    assert "2024-05-07 当日已安排 5 学时，再加 4 学时将达 9 学时，超过每日线下学时上限 8 学时" in page
    assert ClassSession.objects.filter(offline_class=oc).count() == 1


def test_a_session_60_days_ahead_takes_no_attendance_on_the_page(client, provider):
    oc, enrollment, staff = provider
    client.force_login(staff)
    ahead = timezone.localdate() + datetime.timedelta(days=60)
    _add_session(client, oc, ahead, "09:00", "12:00")
    session = ClassSession.objects.get(offline_class=oc)
    page = _sheet(client, session, enrollment, "09:00", "12:00").content.decode()
    assert f"课次尚未开始（{ahead:%Y-%m-%d} 09:00 开始），不能记录考勤" in page
    assert not Attendance.objects.exists() and not CreditedHours.objects.exists()


def test_attendance_beyond_the_plans_offline_hours_is_not_credited_on_the_page(client, provider):
    oc, enrollment, staff = provider  # practical courses of the plan: 6 h
    client.force_login(staff)
    for n in range(3):
        _add_session(client, oc, datetime.date(2024, 5, 6 + n), "08:00", "12:00")
    for session in ClassSession.objects.filter(offline_class=oc):
        _sheet(client, session, enrollment, "08:00", "12:00")
    credits = CreditedHours.objects.filter(enrollment=enrollment, voided_at__isnull=True)
    assert sorted(credits.values_list("seconds", flat=True)) == [2 * 3600, 4 * 3600]


def test_typed_times_outside_the_session_credit_only_the_time_within(client, provider):
    oc, enrollment, staff = provider
    client.force_login(staff)
    _add_session(client, oc, datetime.date(2024, 5, 6), "09:00", "10:30")
    session = ClassSession.objects.get(offline_class=oc)
    _sheet(client, session, enrollment, "05:00", "23:00")
    assert CreditedHours.objects.get(enrollment=enrollment).seconds == 5400  # 1.5 h


def test_the_admin_cannot_type_hours_either(admin_client, provider):
    oc, enrollment, staff = provider
    session = builders.session(oc, start=(9, 0), end=(10, 0))
    url = reverse("admin:training_classsession_change", args=[session.pk])
    data = {
        "offline_class": oc.pk,
        "date": "2024-05-06",
        "start": "09:00",
        "end": "10:00",
        "venue": "x",
        "hours": "500",
        "kind": "theory",
        "topic": "",
    }
    admin_client.post(url, data)
    session.refresh_from_db()
    assert session.hours == 1
    data.update(start="06:00", end="22:00")  # nor schedule a day longer than the maximum
    page = admin_client.post(url, data).content.decode()
    assert "课次时长 16 学时，超过每日线下学时上限 8 学时" in page
    session.refresh_from_db()
    assert (session.start, session.hours) == (datetime.time(9), 1)


# --- services and rules ---


def test_session_hours_are_the_scheduled_length():
    assert session_hours(start=datetime.time(8, 30), end=datetime.time(12, 30)) == 4
    assert session_hours(start=datetime.time(8, 30), end=datetime.time(11, 42)) == D("3.2")
    assert session_hours(start=datetime.time(6, 0), end=datetime.time(6, 1)) == D("0.01")


def test_class_session_create_takes_no_typed_hours_and_derives_them(provider):
    oc, *_ = provider
    with pytest.raises(TypeError):
        class_session_create(
            offline_class=oc,
            date=datetime.date(2024, 5, 6),
            start=datetime.time(6),
            end=datetime.time(6, 1),
            venue="x",
            kind="theory",
            hours=500,
        )
    s = builders.session(oc, start=(13, 0), end=(17, 30))
    assert s.hours == D("4.5")


def test_the_daily_maximum_is_rule_data_a_province_may_tighten(provider):
    oc, *_ = provider
    province = region_tree()[0]
    rules = {pc: dict(v) for pc, v in NATIONAL_DEFAULT.items()}
    rule_set_create(
        region=province, effective_from=datetime.date(2024, 1, 1), name="山东", class_rules=rules,
        max_offline_hours_per_day=6,
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        builders.session(oc, start=(8, 0), end=(14, 30))
    assert exc.value.messages == ["课次时长 6.5 学时，超过每日线下学时上限 6 学时"]


def test_a_province_may_not_loosen_the_daily_maximum():
    province = region_tree()[0]
    rules = {pc: dict(v) for pc, v in NATIONAL_DEFAULT.items()}
    with pytest.raises(ValidationError) as exc:
        rule_set_create(
            region=province, effective_from=datetime.date(2024, 1, 1), name="山东", class_rules=rules,
            max_offline_hours_per_day=10,
        )  # fmt: skip
    assert "安全生产分管负责人：每日线下学时上限 10，高于全国规定的 8" in exc.value.messages


def test_looser_than_national_names_the_daily_maximum():
    national = ClassRuleValues(D(24), D(48), D(60), D(0), 80)
    assert looser_than_national_errors(
        regional=ClassRuleValues(D(24), D(48), D(60), D(0), 80, max_offline_hours_per_day=D(9)), national=national
    ) == ["每日线下学时上限 9，高于全国规定的 8"]
    assert (
        looser_than_national_errors(
            regional=ClassRuleValues(D(24), D(48), D(60), D(0), 80, max_offline_hours_per_day=D(6)), national=national
        )
        == []
    )


@pytest.mark.parametrize(
    "present, day_done, plan_done, expected, reasons",
    [
        (D(3), 0, 0, D(3), ()),
        (D("2.5"), 0, 0, D("2.5"), ("在场 2.5 学时，少于课次的 3 学时",)),
        (D(9), 0, 0, D(3), ()),  # never more than the session
        (D(3), D(6), 0, D(2), ("当日线下学时已记 6，每日上限 8",)),
        (D(3), 0, D("7.4"), D(1), ("培训计划的线下理论课程共 8.4 学时，已记 7.4",)),
        (D(3), D(8), D("8.4"), D(0), ("当日线下学时已记 8，每日上限 8",)),
    ],
)
def test_offline_credit_rule(present, day_done, plan_done, expected, reasons):
    credit = offline_credit(
        present=present,
        session=D(3),
        max_per_day=D(8),
        credited_that_day=day_done,
        plan_hours=D("8.4"),
        credited_of_kind=plan_done,
        kind_label="线下理论",
    )
    assert (credit.hours, credit.reasons) == (expected, reasons)
