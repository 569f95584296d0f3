"""Attendance: typed by provider staff with a reason per person (marked manual), or produced by the trainee (QR);
credits the time present within the session, within the daily maximum and the plan; never before the start."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import staff_user
from tests.training import builders
from training.models import Attendance, AttendanceMethod, CreditedHours, PersonnelClass, SessionKind
from training.roles import Role
from training.services.checkin import CHECK_IN, CHECK_OUT, checkin_ticket
from training.services.classes import attendance_record, attendance_record_class, attendance_self_record

pytestmark = pytest.mark.django_db
REASON = "手机没电"


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _live(enrollment):
    """Live credits in hours (the ledger counts seconds)."""
    return [
        Decimal(r.seconds) / 3600 for r in CreditedHours.objects.filter(enrollment=enrollment, voided_at__isnull=True)
    ]


@pytest.fixture
def setup():
    project = builders.project()
    builders.plan(project, PersonnelClass.TEAM_LEADER, online="9.6", theory="8.4", practical="6")
    oc = builders.offline_class(project, PersonnelClass.TEAM_LEADER, code="DY-2024-3-02")
    return project, oc, builders.enrol(project, oc), builders.provider_staff(project)


def test_typed_attendance_records_who_when_why_and_credits_the_time_present(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc, hours="3", kind=SessionKind.PRACTICAL)
    a = attendance_record(
        session=s,
        enrollment=enrollment,
        signed_in_at=_at(s.date, 8, 55),
        signed_out_at=_at(s.date, 12, 5),
        recorded_by=staff,
        reason=REASON,
    )
    assert (a.recorded_by, a.manual_reason, a.is_manual) == (staff, REASON, True)
    assert (a.sign_in_method, a.sign_out_method) == (AttendanceMethod.MANUAL, AttendanceMethod.MANUAL)
    credit = CreditedHours.objects.get(enrollment=enrollment)
    assert (credit.kind, credit.seconds, credit.source) == ("offline_practical", 3 * 3600, f"attendance:{a.pk}")


def test_typed_attendance_needs_a_reason_per_person(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    with pytest.raises(ValidationError) as exc:
        attendance_record(session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), recorded_by=staff)
    assert exc.value.messages == [f"{enrollment.trainee.name}：手工录入考勤须填写原因（如：手机没电）"]
    assert not Attendance.objects.exists()


def test_credit_is_the_time_present_within_the_session_never_more(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc, start=(9, 0), end=(12, 0))
    # arrived 45 minutes late, stayed after the end: 2.25 h of the session's 3
    attendance_record(
        session=s,
        enrollment=enrollment,
        signed_in_at=_at(s.date, 9, 45),
        signed_out_at=_at(s.date, 18, 0),
        recorded_by=staff,
        reason=REASON,
    )
    assert _live(enrollment) == [Decimal("2.25")]


def test_signed_in_only_credits_nothing_until_signed_out(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    kw = dict(session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), recorded_by=staff, reason=REASON)
    attendance_record(**kw)
    assert not CreditedHours.objects.exists()
    attendance_record(**kw, signed_out_at=_at(s.date, 12))
    attendance_record(**kw, signed_out_at=_at(s.date, 12))  # recorded twice: counted once
    assert _live(enrollment) == [3]


def test_sign_out_before_sign_in_is_refused(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    with pytest.raises(ValidationError, match="签退时间须晚于签到时间"):
        attendance_record(
            session=s,
            enrollment=enrollment,
            signed_in_at=_at(s.date, 11),
            signed_out_at=_at(s.date, 10),
            recorded_by=staff,
            reason=REASON,
        )


def test_no_attendance_before_the_session_has_started(setup):
    project, oc, enrollment, staff = setup
    ahead = timezone.localdate() + datetime.timedelta(days=60)
    s = builders.session(oc, day=ahead)
    with pytest.raises(ValidationError) as exc:
        attendance_record(
            session=s, enrollment=enrollment, signed_in_at=_at(ahead, 9), recorded_by=staff, reason=REASON
        )
    assert exc.value.messages == [
        f"{enrollment.trainee.name}：课次尚未开始（{ahead:%Y-%m-%d} 09:00 开始），不能记录考勤"
    ]
    with pytest.raises(ValidationError, match="课次尚未开始"):
        _self(s, _trainee_user(enrollment), CHECK_IN, False)
    assert not Attendance.objects.exists()


def _session_now(oc):
    """A two-hour session that started an hour ago (skipped near midnight, when it would cross the day)."""
    now = timezone.localtime()
    start = (now - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    if start.date() != now.date() or now.hour >= 23:
        pytest.skip("too close to midnight")
    return builders.session(oc, day=now.date(), start=(start.hour, start.minute), hours="2")


def test_times_in_the_future_are_refused(setup):
    project, oc, enrollment, staff = setup
    s = _session_now(oc)
    with pytest.raises(ValidationError, match="晚于当前时间，不能预先记录"):
        attendance_record(
            session=s,
            enrollment=enrollment,
            signed_in_at=s.starts_at(),
            signed_out_at=s.ends_at(),
            recorded_by=staff,
            reason=REASON,
        )


def test_daily_maximum_of_the_rule_set_caps_a_persons_credit(setup):
    """Two classes' sessions are not possible for one person, but corrections or a changed rule set could push
    one day over: the credit is cut to the daily maximum left."""
    from training.models import RuleSet

    project, oc, enrollment, staff = setup
    day = datetime.date(2024, 5, 6)
    morning = builders.session(oc, day=day, start=(8, 0), end=(12, 0), kind=SessionKind.PRACTICAL)
    afternoon = builders.session(oc, day=day, start=(13, 0), end=(17, 0))
    RuleSet.objects.update(max_offline_hours_per_day=6)  # a tighter rule now in force
    for s in (morning, afternoon):
        a = attendance_record(
            session=s,
            enrollment=enrollment,
            signed_in_at=_at(day, s.start.hour),
            signed_out_at=_at(day, s.end.hour),
            recorded_by=staff,
            reason=REASON,
        )
    assert _live(enrollment) == [4, 2]
    assert a.credit.reasons == ("当日线下学时已记 4，每日上限 6",)


def test_offline_credit_never_exceeds_what_the_plan_provides(setup):
    project, oc, enrollment, staff = setup  # the plan: theory 8.4, practical 6
    for n in range(4):
        s = builders.session(oc, day=datetime.date(2024, 5, 6 + n), hours="3")
        a = attendance_record(
            session=s,
            enrollment=enrollment,
            signed_in_at=_at(s.date, 9),
            signed_out_at=_at(s.date, 12),
            recorded_by=staff,
            reason=REASON,
        )
    assert _live(enrollment) == [3, 3, Decimal("2.4")]  # the fourth credits nothing
    assert a.credit.hours == 0
    assert a.credit.reasons == ("培训计划的线下理论课程共 8.4 学时，已记 8.4",)


def test_no_plan_no_offline_credit():
    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.TEAM_LEADER)
    enrollment, staff = builders.enrol(project, oc), builders.provider_staff(project)
    s = builders.session(oc)
    attendance_record(
        session=s,
        enrollment=enrollment,
        signed_in_at=_at(s.date, 9),
        signed_out_at=_at(s.date, 12),
        recorded_by=staff,
        reason=REASON,
    )
    assert not CreditedHours.objects.exists()


def test_a_person_cannot_attend_two_overlapping_sessions(setup):
    project, oc, enrollment, staff = setup
    morning = builders.session(oc, start=(9, 0), end=(12, 0))
    other = builders.offline_class(project, PersonnelClass.TEAM_LEADER, code="DY-2024-3-03")
    overlapping = builders.session(other, start=(11, 0), end=(13, 0))
    afternoon = builders.session(oc, start=(12, 0), end=(15, 0))
    kw = dict(enrollment=enrollment, recorded_by=staff, reason=REASON)
    attendance_record(session=morning, signed_in_at=_at(morning.date, 9), signed_out_at=_at(morning.date, 12), **kw)
    from training.models import Enrollment

    Enrollment.objects.filter(pk=enrollment.pk).update(offline_class=other)  # moved to the other class
    with pytest.raises(ValidationError) as exc:
        attendance_record(session=overlapping, signed_in_at=_at(morning.date, 11), **kw)
    assert exc.value.messages == [
        f"{enrollment.trainee.name}：时间冲突：2024-05-06 11:00-13:00 与已参加的课次（DY-2024-3-02） 09:00-12:00 重叠"
    ]
    Enrollment.objects.filter(pk=enrollment.pk).update(offline_class=oc)
    attendance_record(session=afternoon, signed_in_at=_at(morning.date, 12), **kw)  # back to back is fine


def test_only_the_providers_staff_type_attendance(setup):
    project, oc, enrollment, _ = setup
    s = builders.session(oc)
    other_provider_staff = builders.provider_staff(builders.project())
    officer = staff_user(Role.HR_OFFICER, region=project.region)
    for user in (other_provider_staff, officer):
        with pytest.raises(ValidationError, match="仅承办培训机构的工作人员可以记录"):
            attendance_record(
                session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), recorded_by=user, reason=REASON
            )


def test_only_trainees_of_the_class(setup):
    project, oc, _, staff = setup
    other_class = builders.offline_class(project, PersonnelClass.TEAM_LEADER)
    outsider = builders.enrol(project, other_class)
    s = builders.session(oc)
    with pytest.raises(ValidationError, match="不在班级 DY-2024-3-02 中"):
        attendance_record(
            session=s, enrollment=outsider, signed_in_at=_at(s.date, 9), recorded_by=staff, reason=REASON
        )


def test_correcting_a_sign_out_voids_the_old_credit(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    kw = dict(session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), recorded_by=staff, reason=REASON)
    attendance_record(**kw, signed_out_at=_at(s.date, 12))
    attendance_record(**kw, signed_out_at=_at(s.date, 11, 30))
    rows = CreditedHours.objects.filter(enrollment=enrollment).order_by("pk")
    assert [(r.voided_at is not None, r.void_reason, r.seconds) for r in rows] == [
        (True, "考勤更正", 3 * 3600),
        (False, "", 9000),  # 2.5 h, in the ledger's seconds
    ]


def _self(session, user, action, face_checked):
    ticket = checkin_ticket(session_id=session.pk, action=action, user_id=user.pk)
    return attendance_self_record(session=session, user=user, ticket=ticket, face_checked=face_checked)


def _trainee_user(enrollment):
    from training.services.people import trainee_account_create

    return trainee_account_create(trainee=enrollment.trainee, password="Pass-word-2024")


def test_qr_sign_in_and_out_by_the_trainee_is_not_manual(setup):
    project, oc, enrollment, staff = setup
    s = _session_now(oc)
    user = _trainee_user(enrollment)
    first = _self(s, user, CHECK_IN, True)
    again = _self(s, user, CHECK_IN, True)
    assert again.signed_in_at == first.signed_in_at  # a second scan keeps the first time
    a = _self(s, user, CHECK_OUT, False)
    assert (a.sign_in_method, a.sign_out_method, a.is_manual, a.recorded_by) == ("qr_face", "qr", False, user)
    # present for a moment only: nothing credited, and the credit says why
    assert _live(enrollment) == [] and a.credit.hours == 0
    assert a.credit.reasons == ("在场 0 学时，少于课次的 2 学时",)


def test_qr_sign_out_needs_a_sign_in(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    with pytest.raises(ValidationError, match="您尚未签到，不能签退"):
        _self(s, _trainee_user(enrollment), CHECK_OUT, False)


def test_whole_class_sign_in_with_one_reason_recorded_per_person(setup):
    project, oc, enrollment, staff = setup
    others = [builders.enrol(project, oc) for _ in range(3)]
    s = builders.session(oc)
    recorded, errors = attendance_record_class(
        session=s,
        absent=[others[0].pk],
        signed_in_at=_at(s.date, 9),
        signed_out_at=_at(s.date, 12),
        recorded_by=staff,
        reason="签到设备故障",
    )
    assert errors == []
    assert sorted(a.enrollment_id for a in recorded) == sorted([enrollment.pk, others[1].pk, others[2].pk])
    assert {(a.manual_reason, a.is_manual) for a in Attendance.objects.all()} == {("签到设备故障", True)}
    with pytest.raises(ValidationError, match="全部签到属于手工录入，须填写原因"):
        attendance_record_class(session=s, signed_in_at=_at(s.date, 9), recorded_by=staff, reason=" ")


def test_attendance_sheet_records_and_reports_overlaps(client, setup):
    project, oc, enrollment, staff = setup
    morning = builders.session(oc, start=(9, 0), end=(12, 0))
    other = builders.offline_class(project, PersonnelClass.TEAM_LEADER, code="DY-2024-3-03")
    overlapping = builders.session(other, start=(11, 30), end=(13, 0))
    client.force_login(staff)
    client.post(
        reverse("attendance-sheet", args=[morning.pk]),
        {f"in-{enrollment.pk}": "08:55", f"out-{enrollment.pk}": "12:01", f"reason-{enrollment.pk}": REASON},
    )
    assert _live(enrollment) == [3]
    from training.models import Enrollment

    Enrollment.objects.filter(pk=enrollment.pk).update(offline_class=other)
    response = client.post(
        reverse("attendance-sheet", args=[overlapping.pk]),
        {f"in-{enrollment.pk}": "11:30", f"reason-{enrollment.pk}": REASON},
        follow=True,
    )
    assert "与已参加的课次（DY-2024-3-02） 09:00-12:00 重叠" in response.content.decode()


def test_attendance_sheet_is_refused_to_officers(client, setup):
    project, oc, enrollment, _ = setup
    s = builders.session(oc)
    client.force_login(staff_user(Role.EM_OFFICER, region=project.region))
    response = client.post(
        reverse("attendance-sheet", args=[s.pk]), {f"in-{enrollment.pk}": "09:00", f"reason-{enrollment.pk}": "x"}
    )
    assert "仅承办培训机构的工作人员可以记录" in response.content.decode()
    assert not s.attendances.exists()


def test_the_self_service_door_needs_a_ticket_of_this_session_and_user(setup):
    project, oc, enrollment, staff = setup
    s = _session_now(oc)
    user = _trainee_user(enrollment)
    someone_else = checkin_ticket(session_id=s.pk, action=CHECK_IN, user_id=staff.pk)
    with pytest.raises(ValidationError, match="二维码无效：不属于本课次或本人"):
        attendance_self_record(session=s, user=user, ticket=someone_else, face_checked=False)
    with pytest.raises(ValidationError, match="二维码无效：签名不符"):
        attendance_self_record(session=s, user=user, ticket="made-up", face_checked=False)
    assert not Attendance.objects.exists()


def test_staff_typing_only_the_sign_out_keeps_the_trainees_qr_sign_in(setup):
    project, oc, enrollment, staff = setup
    s = _session_now(oc)
    user = _trainee_user(enrollment)
    signed_in = _self(s, user, CHECK_IN, True)
    a = attendance_record(
        session=s,
        enrollment=enrollment,
        signed_in_at=signed_in.signed_in_at,
        signed_out_at=timezone.now(),
        recorded_by=staff,
        reason="签退时手机没电",
    )
    assert (a.sign_in_method, a.sign_out_method, a.is_manual, a.manual_reason) == (
        "qr_face",
        "manual",
        True,
        "签退时手机没电",
    )
