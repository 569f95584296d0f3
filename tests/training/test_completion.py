"""Completion: credited hours against the plan and the rule set, with the reasons a trainee is not done yet."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.training import builders
from training.models import CreditedHours, PersonnelClass, SessionKind
from training.selectors.completion import enrollment_progress
from training.services.classes import attendance_record
from training.services.hours import hours_credit_online, hours_void

pytestmark = pytest.mark.django_db

H = 3600  # the ledger and the selector count seconds


def _attend(session, enrollment, staff):
    day = session.date
    return attendance_record(
        session=session,
        enrollment=enrollment,
        recorded_by=staff,
        signed_in_at=timezone.make_aware(datetime.datetime.combine(day, session.start)),
        signed_out_at=timezone.make_aware(datetime.datetime.combine(day, session.end)),
        reason="纸质签到表补录",
    )


def _watch_online(enrollment, plan):
    for course in plan.courses.filter(modality="online"):
        hours_credit_online(
            enrollment=enrollment, course=course, minutes=course.hours * 60, source=f"study:{course.pk}"
        )


@pytest.fixture
def manager():
    project = builders.project()
    plan = builders.plan(project, PersonnelClass.SAFETY_MANAGER, online="9.6", theory="14.4")
    oc = builders.offline_class(project, PersonnelClass.SAFETY_MANAGER, code="DY-2024-2-02")
    return project, plan, oc, builders.enrol(project, oc), builders.provider_staff(project)


def test_nothing_credited_explains_every_gap(manager):
    *_, enrollment, _ = manager
    progress = enrollment_progress(enrollment)
    assert not progress.complete
    assert progress.reasons == ["总学时 0/24", "线下学时 0/14.4", "尚未观看必学专题片《生命重于泰山》"]


def test_offline_12_of_14_4(manager):
    project, plan, oc, enrollment, staff = manager
    _watch_online(enrollment, plan)
    for day in range(4):
        _attend(builders.session(oc, day=datetime.date(2024, 5, 6 + day), hours=3), enrollment, staff)
    progress = enrollment_progress(enrollment)
    assert (progress.online, progress.offline) == (H * Decimal("9.6"), 12 * H)  # seconds
    assert progress.reasons == ["总学时 21.6/24", "线下学时 12/14.4"]


def test_complete_at_exactly_the_plan(manager):
    project, plan, oc, enrollment, staff = manager
    _watch_online(enrollment, plan)
    for day, hours in enumerate(["3", "3", "3", "3", "2.4"]):
        _attend(builders.session(oc, day=datetime.date(2024, 5, 6 + day), hours=hours), enrollment, staff)
    progress = enrollment_progress(enrollment)
    assert progress.total == 24 * H and progress.complete and progress.reasons == []


def test_documentary_must_be_watched_in_full(manager):
    project, plan, oc, enrollment, staff = manager
    documentary = plan.courses.get(is_documentary=True)
    hours_credit_online(enrollment=enrollment, course=documentary, minutes=119, source="study:1")
    assert not enrollment_progress(enrollment).documentary_watched
    hours_credit_online(enrollment=enrollment, course=documentary, minutes=1, source="study:2")
    assert enrollment_progress(enrollment).documentary_watched


def test_online_credit_beyond_the_course_hours_does_not_count(manager):
    project, plan, oc, enrollment, staff = manager
    course = plan.courses.get(title="法律法规")  # 7.6 h
    hours_credit_online(enrollment=enrollment, course=course, minutes=600, source="study:1")
    assert enrollment_progress(enrollment).online == H * Decimal("7.6")


def test_voided_credits_do_not_count(manager):
    project, plan, oc, enrollment, staff = manager
    course = plan.courses.get(title="法律法规")
    hours_credit_online(enrollment=enrollment, course=course, minutes=120, source="study:7")
    hours_credit_online(enrollment=enrollment, course=course, minutes=60, source="study:70")
    assert hours_void(source_prefix="study:7", reason="抓拍人脸不符") == 1
    assert enrollment_progress(enrollment).online == H
    assert CreditedHours.objects.count() == 2  # voided, never deleted


def test_online_credit_checks_the_course(manager):
    project, plan, oc, enrollment, staff = manager
    offline = plan.courses.get(modality="offline_theory")
    with pytest.raises(ValidationError, match="不是线上课程"):
        hours_credit_online(enrollment=enrollment, course=offline, minutes=60, source="study:1")
    other_plan = builders.plan(builders.project())
    with pytest.raises(ValidationError, match="不属于学员正在参加的培训项目"):
        hours_credit_online(enrollment=enrollment, course=other_plan.courses.first(), minutes=60, source="s:1")


def test_the_same_source_is_credited_once(manager):
    project, plan, oc, enrollment, staff = manager
    course = plan.courses.get(title="法律法规")
    first = hours_credit_online(enrollment=enrollment, course=course, minutes=60, source="study:5")
    assert hours_credit_online(enrollment=enrollment, course=course, minutes=60, source="study:5") == first


def test_team_leaders_need_practical_hours():
    project = builders.project()
    plan = builders.plan(project, PersonnelClass.TEAM_LEADER, online="9.6", theory="8.4", practical="6")
    oc = builders.offline_class(project, PersonnelClass.TEAM_LEADER)
    enrollment, staff = builders.enrol(project, oc), builders.provider_staff(project)
    _watch_online(enrollment, plan)
    for day in range(5):
        _attend(builders.session(oc, day=datetime.date(2024, 6, 1 + day), hours=3), enrollment, staff)
    progress = enrollment_progress(enrollment)
    # Theory beyond the plan's 8.4 is not credited, and it never replaces practice.
    assert progress.offline_theory == H * Decimal("8.4")  # seconds
    assert progress.reasons == ["总学时 18/24", "线下学时 8.4/14.4", "实训学时 0/6"]
    _attend(
        builders.session(oc, day=datetime.date(2024, 6, 9), hours="5.9", kind=SessionKind.PRACTICAL), enrollment, staff
    )
    assert enrollment_progress(enrollment).reasons == ["总学时 23.9/24", "线下学时 14.3/14.4", "实训学时 5.9/6"]
    _attend(
        builders.session(oc, day=datetime.date(2024, 6, 10), hours="0.1", kind=SessionKind.PRACTICAL),
        enrollment,
        staff,
    )
    assert enrollment_progress(enrollment).complete


@pytest.mark.parametrize("offline, complete", [("14.39", False), ("14.4", True)])
def test_offline_boundary_through_the_ledger(manager, offline, complete):
    project, plan, oc, enrollment, staff = manager
    _watch_online(enrollment, plan)
    _attend(builders.session(oc, hours="8"), enrollment, staff)  # at most 8 a day
    rest = Decimal(offline) - 8
    _attend(builders.session(oc, day=datetime.date(2024, 5, 7), hours=rest), enrollment, staff)
    progress = enrollment_progress(enrollment)
    assert progress.complete is complete
    if not complete:
        assert "线下学时 14.39/14.4" in progress.reasons


def test_trainee_sees_what_is_missing(client, manager):
    from django.urls import reverse

    from training.services.people import trainee_account_create

    project, plan, oc, enrollment, staff = manager
    _attend(builders.session(oc, hours="6"), enrollment, staff)
    _attend(builders.session(oc, day=datetime.date(2024, 5, 7), hours="6"), enrollment, staff)
    client.force_login(trainee_account_create(trainee=enrollment.trainee, password="Pass-word-2024"))
    page = client.get(reverse("my-progress")).content.decode()
    assert "线下学时 12/14.4" in page and "尚未观看必学专题片《生命重于泰山》" in page


def test_documentary_with_video_lessons_is_watched_when_every_lesson_reached_its_end(manager):
    """A documentary course with video lessons: the lessons' verified progress decides, not its nominal hours."""
    from django.core.files.base import ContentFile

    from training.services.lessons import lesson_create, lesson_progress_record

    _project, plan, _oc, enrollment, _staff = manager
    documentary = plan.courses.get(is_documentary=True)
    parts = [
        lesson_create(
            course=documentary,
            title=f"第{n}集",
            video=ContentFile(b"x", name=f"{n}.mp4"),
            duration_seconds=45,
            order=n,
        )
        for n in (1, 2)
    ]
    lesson_progress_record(enrollment=enrollment, lesson=parts[0], reached_second=45)
    lesson_progress_record(enrollment=enrollment, lesson=parts[1], reached_second=40)
    progress = enrollment_progress(enrollment)
    assert not progress.documentary_watched
    assert "尚未观看必学专题片《生命重于泰山》" in progress.reasons

    lesson_progress_record(enrollment=enrollment, lesson=parts[1], reached_second=45)
    assert enrollment_progress(enrollment).documentary_watched
