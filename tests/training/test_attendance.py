"""Attendance: recorded by the provider's staff (who, when), credits the session's hours, no overlapping sessions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import staff_user
from tests.training import builders
from training.models import CreditedHours, PersonnelClass, SessionKind
from training.roles import Role
from training.services.classes import attendance_record

pytestmark = pytest.mark.django_db


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def setup():
    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.TEAM_LEADER, code="DY-2024-3-02")
    return project, oc, builders.enrol(project, oc), builders.provider_staff(project)


def test_signed_in_and_out_records_who_and_when_and_credits_hours(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc, hours="3", kind=SessionKind.PRACTICAL)
    a = attendance_record(
        session=s,
        enrollment=enrollment,
        signed_in_at=_at(s.date, 8, 55),
        signed_out_at=_at(s.date, 12, 5),
        recorded_by=staff,
    )
    assert a.recorded_by == staff and a.recorded_at is not None
    credit = CreditedHours.objects.get(enrollment=enrollment)
    assert (credit.kind, credit.hours, credit.source) == ("offline_practical", 3, f"attendance:{a.pk}")


def test_signed_in_only_credits_nothing_until_signed_out(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    attendance_record(session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), recorded_by=staff)
    assert not CreditedHours.objects.exists()
    attendance_record(
        session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), signed_out_at=_at(s.date, 12), recorded_by=staff
    )
    attendance_record(
        session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), signed_out_at=_at(s.date, 12), recorded_by=staff
    )  # recorded twice: counted once
    assert CreditedHours.objects.filter(voided_at__isnull=True).count() == 1


def test_sign_out_before_sign_in_is_refused(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    with pytest.raises(ValidationError, match="签退时间须晚于签到时间"):
        attendance_record(
            session=s,
            enrollment=enrollment,
            signed_in_at=_at(s.date, 12),
            signed_out_at=_at(s.date, 9),
            recorded_by=staff,
        )


def test_a_person_cannot_attend_two_overlapping_sessions(setup):
    project, oc, enrollment, staff = setup
    morning = builders.session(oc, start=(9, 0), end=(12, 0))
    overlapping = builders.session(oc, start=(11, 0), end=(13, 0))
    afternoon = builders.session(oc, start=(12, 0), end=(15, 0))
    attendance_record(
        session=morning,
        enrollment=enrollment,
        signed_in_at=_at(morning.date, 9),
        signed_out_at=_at(morning.date, 12),
        recorded_by=staff,
    )
    with pytest.raises(ValidationError) as exc:
        attendance_record(
            session=overlapping, enrollment=enrollment, signed_in_at=_at(morning.date, 11), recorded_by=staff
        )
    assert exc.value.messages == [
        f"{enrollment.trainee.name}：时间冲突：2024-05-06 11:00-13:00 与已参加的课次（DY-2024-3-02） 09:00-12:00 重叠"
    ]
    attendance_record(
        session=afternoon, enrollment=enrollment, signed_in_at=_at(morning.date, 12), recorded_by=staff
    )  # back to back is fine


def test_only_the_providers_staff_record_attendance(setup):
    project, oc, enrollment, _ = setup
    s = builders.session(oc)
    other_provider_staff = builders.provider_staff(builders.project())
    officer = staff_user(Role.HR_OFFICER, region=project.region)
    for user in (other_provider_staff, officer):
        with pytest.raises(ValidationError, match="仅承办培训机构的工作人员可以记录"):
            attendance_record(session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), recorded_by=user)


def test_only_trainees_of_the_class(setup):
    project, oc, _, staff = setup
    other_class = builders.offline_class(project, PersonnelClass.TEAM_LEADER)
    outsider = builders.enrol(project, other_class)
    s = builders.session(oc)
    with pytest.raises(ValidationError, match="不在班级 DY-2024-3-02 中"):
        attendance_record(session=s, enrollment=outsider, signed_in_at=_at(s.date, 9), recorded_by=staff)


def test_correcting_a_sign_out_voids_the_old_credit(setup):
    project, oc, enrollment, staff = setup
    s = builders.session(oc)
    attendance_record(
        session=s, enrollment=enrollment, signed_in_at=_at(s.date, 9), signed_out_at=_at(s.date, 12), recorded_by=staff
    )
    attendance_record(
        session=s,
        enrollment=enrollment,
        signed_in_at=_at(s.date, 9),
        signed_out_at=_at(s.date, 11, 59),
        recorded_by=staff,
    )
    rows = CreditedHours.objects.filter(enrollment=enrollment).order_by("pk")
    assert [(r.voided_at is not None, r.void_reason) for r in rows] == [(True, "考勤更正"), (False, "")]


def test_attendance_sheet_records_and_reports_overlaps(client, setup):
    from django.urls import reverse

    project, oc, enrollment, staff = setup
    morning = builders.session(oc, start=(9, 0), end=(12, 0))
    overlapping = builders.session(oc, start=(11, 30), end=(13, 0))
    client.force_login(staff)
    client.post(
        reverse("attendance-sheet", args=[morning.pk]),
        {f"in-{enrollment.pk}": "08:55", f"out-{enrollment.pk}": "12:01"},
    )
    assert CreditedHours.objects.get(enrollment=enrollment).hours == 3
    response = client.post(
        reverse("attendance-sheet", args=[overlapping.pk]), {f"in-{enrollment.pk}": "11:30"}, follow=True
    )
    assert "与已参加的课次（DY-2024-3-02） 09:00-12:00 重叠" in response.content.decode()


def test_attendance_sheet_is_refused_to_officers(client, setup):
    from django.urls import reverse

    project, oc, enrollment, _ = setup
    s = builders.session(oc)
    client.force_login(staff_user(Role.EM_OFFICER, region=project.region))
    response = client.post(reverse("attendance-sheet", args=[s.pk]), {f"in-{enrollment.pk}": "09:00"})
    assert "仅承办培训机构的工作人员可以记录" in response.content.decode()
    assert not s.attendances.exists()
