"""Offline classes: capacity from the rule set, the cap enforced by enrollment_create (40/41, 80/81)."""

import pytest
from django.core.exceptions import ValidationError

from tests.training import builders
from training.models import Enrollment, EnrollmentStatus, PersonnelClass
from training.services.enrollments import enrollment_assign_class, enrollment_create

pytestmark = pytest.mark.django_db


def _fill(project, oc, n):
    """Put n people in the class quickly: enrol through the service without a class, then set it in bulk."""
    ids = [builders.enrol(project, personnel_class=oc.personnel_class).pk for _ in range(n)]
    Enrollment.objects.filter(pk__in=ids).update(offline_class=oc)


@pytest.mark.parametrize(
    "personnel_class, cap",
    [(PersonnelClass.DEPUTY_HEAD, 40), (PersonnelClass.SAFETY_MANAGER, 80), (PersonnelClass.TEAM_LEADER, 80)],
)
def test_capacity_comes_from_the_national_rules(personnel_class, cap):
    assert builders.offline_class(builders.project(), personnel_class).capacity == cap


def test_a_class_larger_than_the_cap_cannot_be_created():
    with pytest.raises(ValidationError) as exc:
        builders.offline_class(builders.project(), PersonnelClass.DEPUTY_HEAD, capacity=41)
    assert exc.value.message_dict["capacity"] == ["人数上限 41 人，超过培训规则规定的 40 人"]
    assert builders.offline_class(builders.project(), PersonnelClass.DEPUTY_HEAD, capacity=30).capacity == 30


@pytest.mark.parametrize("personnel_class, cap", [(PersonnelClass.DEPUTY_HEAD, 40), (PersonnelClass.TEAM_LEADER, 80)])
def test_the_last_place_is_taken_and_the_next_is_refused(personnel_class, cap):
    project = builders.project()
    oc = builders.offline_class(project, personnel_class)
    _fill(project, oc, cap - 1)
    builders.enrol(project, oc)  # place cap: accepted
    assert oc.enrollments.count() == cap
    with pytest.raises(ValidationError) as exc:
        builders.enrol(project, oc)  # place cap + 1
    assert exc.value.messages == [f"班级人数超过上限：上限 {cap} 人，已有 {cap} 人，再加入 1 人将达 {cap + 1} 人"]
    assert oc.enrollments.count() == cap


def test_withdrawn_trainees_free_their_place():
    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.DEPUTY_HEAD, capacity=1)
    first = builders.enrol(project, oc)
    Enrollment.objects.filter(pk=first.pk).update(status=EnrollmentStatus.WITHDRAWN)
    assert builders.enrol(project, oc).offline_class == oc


def test_assigning_an_enrolled_trainee_to_a_full_class_is_refused():
    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.DEPUTY_HEAD, capacity=1)
    builders.enrol(project, oc)
    waiting = builders.enrol(project, personnel_class=PersonnelClass.DEPUTY_HEAD)
    with pytest.raises(ValidationError, match="上限 1 人，已有 1 人"):
        enrollment_assign_class(enrollment=waiting, offline_class=oc)


def test_a_class_is_for_one_personnel_class():
    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.DEPUTY_HEAD, code="DY-2024-1-09")
    with pytest.raises(ValidationError) as exc:
        enrollment_create(project=project, trainee=builders.trainee(PersonnelClass.TEAM_LEADER), offline_class=oc)
    assert exc.value.messages == ["班级DY-2024-1-09的人员类别与学员的人员类别不符"]


def test_a_class_of_another_project_is_refused():
    project, other = builders.project(), builders.project()
    oc = builders.offline_class(other, code="X-1")
    with pytest.raises(ValidationError, match=f"班级 X-1 不属于项目 {project.code}"):
        enrollment_create(project=project, trainee=builders.trainee(), offline_class=oc)


def test_one_active_project_per_trainee():
    first, second = builders.project(code="DY-A"), builders.project(code="DY-B")
    person = builders.trainee()
    enrollment_create(project=first, trainee=person)
    with pytest.raises(ValidationError) as exc:
        enrollment_create(project=second, trainee=person)
    assert exc.value.messages == ["该学员已在另一个在训项目中（DY-A）"]


def test_class_create_page_refuses_a_cap_above_the_rule(client):
    from django.urls import reverse

    project = builders.project()
    client.force_login(builders.provider_staff(project))
    url = reverse("class-create", args=[project.pk])
    response = client.post(url, {"code": "DY-2024-1-05", "personnel_class": "1", "capacity": "41"})
    assert "人数上限 41 人，超过培训规则规定的 40 人" in response.content.decode()
    response = client.post(url, {"code": "DY-2024-1-05", "personnel_class": "1", "capacity": ""})
    assert response.status_code == 302
    assert project.offline_classes.get(code="DY-2024-1-05").capacity == 40


def test_admin_form_applies_the_same_cap(admin_client):
    from django.urls import reverse

    project = builders.project()
    url = reverse("admin:training_offlineclass_add")
    data = {
        "code": "DY-2024-2-09",
        "project": project.pk,
        "personnel_class": "2",
        "name": "",
        "capacity": "81",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert "人数上限 81 人，超过培训规则规定的 80 人" in response.content.decode()
    admin_client.post(url, dict(data, capacity="80"))
    assert project.offline_classes.get(code="DY-2024-2-09").capacity == 80


def test_class_pages_list_and_show_the_roster_in_scope(client):
    from django.urls import reverse

    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.DEPUTY_HEAD, code="DY-2024-1-01")
    enrollment = builders.enrol(project, oc)
    client.force_login(builders.provider_staff(project))
    assert "1/40" in client.get(reverse("class-list")).content.decode()
    page = client.get(reverse("class-detail", args=[oc.pk])).content.decode()
    assert enrollment.trainee.name in page and "线下学时 0/14.4" in page
    client.force_login(builders.provider_staff(builders.project()))
    assert client.get(reverse("class-detail", args=[oc.pk])).status_code == 404
