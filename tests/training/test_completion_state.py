"""The stored completion (Enrollment.trained_on) is written where the facts change: hours credited or voided, and
it always agrees with the completion rule evaluated enrolment by enrolment."""

import datetime

import pytest
from django.utils import timezone

from tests.training import builders
from training.models import Enrollment, PersonnelClass
from training.selectors.completion import enrollment_progress
from training.services.classes import attendance_record
from training.services.completion import completion_reconcile
from training.services.hours import hours_credit_online, hours_void

pytestmark = pytest.mark.django_db


def _complete(enrollment, plan, oc, staff):
    for course in plan.courses.filter(modality="online"):
        hours_credit_online(
            enrollment=enrollment, course=course, seconds=int(course.hours * 3600), source=f"study:{course.pk}"
        )
    for day, hours in enumerate(["3", "3", "3", "3", "2.4"]):
        session = builders.session(oc, day=datetime.date(2024, 5, 6 + day), hours=hours)
        attendance_record(
            session=session,
            enrollment=enrollment,
            recorded_by=staff,
            signed_in_at=timezone.make_aware(datetime.datetime.combine(session.date, session.start)),
            signed_out_at=timezone.make_aware(datetime.datetime.combine(session.date, session.end)),
            reason="纸质签到表补录",
        )


@pytest.fixture
def world():
    project = builders.project()
    plan = builders.plan(project, PersonnelClass.SAFETY_MANAGER, online="9.6", theory="14.4")
    oc = builders.offline_class(project, PersonnelClass.SAFETY_MANAGER, code="DY-2024-2-09")
    staff = builders.provider_staff(project)
    return project, plan, oc, staff


def test_the_credit_that_completes_training_stores_the_day(world):
    project, plan, oc, staff = world
    enrollment = builders.enrol(project, oc)
    _complete(enrollment, plan, oc, staff)
    enrollment.refresh_from_db()
    assert enrollment_progress(enrollment).complete
    assert enrollment.trained_on == timezone.localdate()


def test_an_incomplete_enrolment_stores_nothing(world):
    project, plan, oc, staff = world
    enrollment = builders.enrol(project, oc)
    hours_credit_online(enrollment=enrollment, course=plan.courses.get(title="法律法规"), minutes=60, source="study:1")
    enrollment.refresh_from_db()
    assert enrollment.trained_on is None
    assert enrollment_progress(enrollment).reasons  # and the rule says why


def test_a_void_that_breaks_completion_clears_it(world):
    project, plan, oc, staff = world
    enrollment = builders.enrol(project, oc)
    _complete(enrollment, plan, oc, staff)
    course = plan.courses.get(title="法律法规")
    assert hours_void(source_prefix=f"study:{course.pk}", reason="抓拍人脸不符") == 1
    enrollment.refresh_from_db()
    assert enrollment.trained_on is None
    assert "总学时" in enrollment_progress(enrollment).reasons[0]


def test_reconcile_agrees_with_the_rule_and_repairs_a_wrong_state(world):
    project, plan, oc, staff = world
    done, half = builders.enrol(project, oc), builders.enrol(project, oc)
    _complete(done, plan, oc, staff)
    hours_credit_online(enrollment=half, course=plan.courses.get(title="法律法规"), minutes=30, source="study:h")
    Enrollment.objects.filter(pk=half.pk).update(trained_on=datetime.date(2024, 1, 1))  # a wrong state
    assert completion_reconcile() == 1
    stored = set(Enrollment.objects.filter(trained_on__isnull=False).values_list("pk", flat=True))
    assert stored == {e.pk for e in Enrollment.objects.all() if enrollment_progress(e).complete} == {done.pk}


def test_home_and_roster_count_completed_training_as_已结业(world, client):
    """The project table's 在训 / 已结业 / 已退出 and the roster filter its numbers link to agree with the rule."""
    from django.urls import reverse

    from training.selectors.dashboard import project_rows

    project, plan, oc, staff = world
    done, studying = builders.enrol(project, oc), builders.enrol(project, oc)
    _complete(done, plan, oc, staff)
    row = next(p for p in project_rows(staff) if p.pk == project.pk)
    assert (row.active, row.completed, row.withdrawn) == (1, 1, 0)
    client.force_login(staff)
    page = client.get(reverse("project-detail", args=[project.pk]) + "?status=completed").content.decode()
    assert done.trainee.name in page and studying.trainee.name not in page
    page = client.get(reverse("project-detail", args=[project.pk]) + "?status=active").content.decode()
    assert studying.trainee.name in page and done.trainee.name not in page
