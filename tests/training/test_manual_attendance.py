"""Attendance typed by provider staff: a reason per person, 全部签到 with one reason for the batch, marked manual
in every report (attendance sheet, class page, progress), and listed per provider for auditors and officials."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import staff_user
from tests.training import builders
from training.models import Attendance, PersonnelClass
from training.roles import Role
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def klass():
    project = builders.project()
    builders.plan(project, PersonnelClass.SAFETY_MANAGER)
    oc = builders.offline_class(project, PersonnelClass.SAFETY_MANAGER, code="DY-2024-2-07")
    enrollments = [builders.enrol(project, oc) for _ in range(4)]
    session = builders.session(oc, day=datetime.date(2024, 5, 6), start=(9, 0), end=(12, 0))
    return project, oc, enrollments, session, builders.provider_staff(project)


def _all(client, session, present, reason="签到设备故障"):
    data = {"action": "all", "signed_in": "09:00", "signed_out": "12:00", "reason": reason, "present": present}
    return client.post(reverse("attendance-sheet", args=[session.pk]), data, follow=True)


def test_whole_class_sign_in_on_the_page_with_the_exceptions(client, klass):
    project, oc, enrollments, session, staff = klass
    client.force_login(staff)
    page = _all(client, session, [e.pk for e in enrollments[1:]]).content.decode()
    assert "已记录 3 人的考勤" in page
    rows = Attendance.objects.filter(session=session)
    assert sorted(rows.values_list("enrollment_id", flat=True)) == sorted(e.pk for e in enrollments[1:])
    assert {(a.manual_reason, a.sign_in_method, a.sign_out_method) for a in rows} == {
        ("签到设备故障", "manual", "manual")
    }
    assert "其中手工录入 3 人" in page


def test_whole_class_sign_in_without_a_reason_is_refused(client, klass):
    project, oc, enrollments, session, staff = klass
    client.force_login(staff)
    page = _all(client, session, [e.pk for e in enrollments], reason="").content.decode()
    assert "原因（每人记录）：这个字段是必填项。" in page
    assert not Attendance.objects.exists()


def test_a_typed_row_without_a_reason_is_refused_on_the_page(client, klass):
    project, oc, enrollments, session, staff = klass
    client.force_login(staff)
    e = enrollments[0]
    page = client.post(
        reverse("attendance-sheet", args=[session.pk]), {f"in-{e.pk}": "09:00", f"out-{e.pk}": "12:00"}, follow=True
    ).content.decode()
    assert f"{e.trainee.name}：手工录入考勤须填写原因（如：手机没电）" in page
    assert not Attendance.objects.exists()


def test_manual_is_marked_on_the_class_page_and_in_progress(client, klass):
    project, oc, enrollments, session, staff = klass
    client.force_login(staff)
    _all(client, session, [enrollments[0].pk])
    page = client.get(reverse("class-detail", args=[oc.pk])).content.decode()
    assert "（手工 1）" in page and "手工 3" in page
    user = trainee_account_create(trainee=enrollments[0].trainee, password="Pass-word-2024")
    client.force_login(user)
    assert "（其中手工考勤 3）" in client.get(reverse("my-progress")).content.decode()


def test_auditors_list_manual_attendance_per_provider(client, klass):
    project, oc, enrollments, session, staff = klass
    client.force_login(staff)
    _all(client, session, [enrollments[0].pk, enrollments[1].pk])
    other = builders.project()
    client.force_login(staff_user(Role.HR_OFFICER, region=project.region))
    page = client.get(reverse("manual-attendance")).content.decode()
    assert project.provider.name in page and "签到设备故障" in page and enrollments[0].trainee.name in page
    page = client.get(reverse("manual-attendance"), {"provider": other.provider.pk}).content.decode()
    assert "没有手工录入的考勤" in page


def test_the_manual_attendance_list_needs_the_audit_permission(client, klass):
    project, *_, staff = klass
    client.force_login(staff)
    assert client.get(reverse("manual-attendance")).status_code == 403
    client.force_login(staff_user(Role.AUDITOR))
    assert client.get(reverse("manual-attendance")).status_code == 200


def test_an_officer_of_another_region_sees_none_of_it(client, klass):
    from tests.factories import region_tree

    project, oc, enrollments, session, staff = klass
    client.force_login(staff)
    _all(client, session, [enrollments[0].pk])
    _, elsewhere, _ = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320706", "海州区"))
    client.force_login(staff_user(Role.EM_OFFICER, region=elsewhere))
    page = client.get(reverse("manual-attendance")).content.decode()
    assert enrollments[0].trainee.name not in page and "没有手工录入的考勤" in page
