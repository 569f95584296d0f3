"""Issue 7 finding 11: the admin goes through the services and the scope like every other door. Each test signs in
to the admin as an officer built through the services and posts the admin's own forms and actions."""

import datetime

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory, ProviderFactory, region_tree, staff_user
from tests.training import builders
from training.models import (
    Enrollment,
    ProjectStatus,
    ProjectStatusChange,
    Provider,
    Teacher,
    Trainee,
    TrainingProject,
)
from training.roles import Role
from training.services.people import trainee_account_create
from training.validators import build_id_number

pytestmark = pytest.mark.django_db

NINGXIA = (("640000", "宁夏回族自治区"), ("640100", "银川市"), ("640181", "灵武市"))


@pytest.fixture
def dongying():
    return region_tree()[1]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hr(dongying):
    """Like the demo's hr_dongying: an HR officer of Dongying city."""
    user = staff_user(Role.HR_OFFICER, username="hr_dongying_t", region=dongying)
    return user, _client(user)


def _action(client, model: str, action: str, pks, **extra):
    data = {"action": action, "_selected_action": [str(pk) for pk in pks], "index": "0", **extra}
    return client.post(f"/admin/training/{model}/", data, follow=True)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _project_form(project, **override):
    data = {
        "code": project.code,
        "name": project.name,
        "region": project.region_id,
        "provider": project.provider_id or "",
        "park": "",
        "year": project.year,
    }
    return {**data, **override}


# --- projects: the status is read-only; each step is an action calling project_transition -------------------------


def test_project_status_is_read_only_in_the_change_form(hr, dongying):
    _user, client = hr
    project = builders.project(region=dongying, status=ProjectStatus.DRAFT)
    page = client.get(f"/admin/training/trainingproject/{project.pk}/change/")
    assert page.status_code == 200 and "status" not in page.context["adminform"].form.fields
    response = client.post(
        f"/admin/training/trainingproject/{project.pk}/change/", _project_form(project, status="accepted")
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert not ProjectStatusChange.objects.exists()


def test_project_steps_are_admin_actions_that_record_who_and_when(hr, dongying):
    user, client = hr
    project = builders.project(region=dongying, status=ProjectStatus.DRAFT)
    response = _action(client, "trainingproject", "to_submitted", [project.pk])
    assert "项目状态已变为“已申报”：1" in _messages(response)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    change = ProjectStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "submitted", user)

    # a jump the workflow does not allow is refused with the service's reason, and nothing is recorded
    response = _action(client, "trainingproject", "to_accepted", [project.pk])
    assert "项目状态不能从“已申报”变为“已验收”" in _messages(response)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED and ProjectStatusChange.objects.count() == 1


def test_a_provider_officer_cannot_take_the_officers_steps_through_the_admin(dongying):
    project = builders.project(region=dongying, status=ProjectStatus.SUBMITTED)
    staff = builders.provider_staff(project)
    response = _action(_client(staff), "trainingproject", "to_expert_review", [project.pk])
    assert "须由项目所在地人社或应急管理部门操作" in _messages(response)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_adding_a_project_already_accepted_is_refused(hr, dongying):
    _user, client = hr
    provider = ProviderFactory(region=dongying)
    data = {"code": "HR-2024-01", "name": "直接验收", "region": dongying.pk, "provider": provider.pk}
    response = client.post("/admin/training/trainingproject/add/", {**data, "year": 2024, "status": "accepted"})
    assert response.status_code == 302
    project = TrainingProject.objects.get(code="HR-2024-01")
    assert project.status == ProjectStatus.DRAFT  # project_create makes drafts; the posted status is ignored
    assert not ProjectStatusChange.objects.filter(project=project).exists()


# --- providers: removal and reinstatement through provider_set_status, with a public reason ------------------------


def test_provider_status_changes_only_through_the_action_with_a_public_reason(hr, dongying, client):
    _user, admin_client = hr
    provider = ProviderFactory(region=dongying)
    form = {"name": provider.name, "credit_code": provider.credit_code, "kind": provider.kind, "region": dongying.pk}
    response = admin_client.post(
        f"/admin/training/provider/{provider.pk}/change/", {**form, "status": "removed", "status_reason": "x"}
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.status == "active" and provider.status_reason == ""

    # the action asks for the reason first
    page = admin_client.post("/admin/training/provider/", {"action": "remove", "_selected_action": [provider.pk]})
    assert page.status_code == 200 and "公开原因" in page.content.decode()
    # an empty public reason: the model's rule refuses it, nothing changes
    response = _action(admin_client, "provider", "remove", [provider.pk], apply="1", reason=" ")
    assert "退出的培训机构必须写明公开原因" in _messages(response)
    provider.refresh_from_db()
    assert provider.status == "active"

    response = _action(admin_client, "provider", "remove", [provider.pk], apply="1", reason="考核把关不严，予以退出")
    provider.refresh_from_db()
    assert (provider.status, provider.status_reason) == ("removed", "考核把关不严，予以退出")
    assert provider.status_changed_at is not None
    public = client.get("/public/removed-providers/").content.decode()
    assert provider.name in public and "考核把关不严，予以退出" in public

    _action(admin_client, "provider", "reinstate", [provider.pk], apply="1", reason="整改到位")
    provider.refresh_from_db()
    assert (provider.status, provider.status_reason) == ("active", "整改到位")
    assert Provider.objects.filter(pk=provider.pk, status="removed").count() == 0


# --- enrolments: enrollment_create and enrollment_assign_class -----------------------------------------------------


@pytest.fixture
def superuser_client():
    return _client(staff_user(Role.ADMIN, username="admin_t"))


def test_enrolment_admin_refuses_a_third_person_in_a_class_of_two(superuser_client, dongying):
    project = builders.project(region=dongying)
    small = builders.offline_class(project, capacity=2)
    builders.enrol(project, small)
    builders.enrol(project, small)
    third = builders.trainee()
    data = {"project": project.pk, "trainee": third.pk, "offline_class": small.pk}
    response = superuser_client.post("/admin/training/enrollment/add/", data)
    assert response.status_code == 200
    assert "班级人数超过上限：上限 2 人，已有 2 人" in response.content.decode()
    assert not Enrollment.objects.filter(trainee=third).exists()

    # into a class with room it goes through enrollment_create
    roomy = builders.offline_class(project)
    response = superuser_client.post("/admin/training/enrollment/add/", {**data, "offline_class": roomy.pk})
    assert response.status_code == 302
    assert Enrollment.objects.get(trainee=third).offline_class == roomy


def test_enrolment_admin_refuses_moves_across_projects_and_full_classes(superuser_client, dongying):
    project, other = builders.project(region=dongying), builders.project(region=dongying)
    enrollment = builders.enrol(project, builders.offline_class(project))
    elsewhere = builders.offline_class(other)
    url = f"/admin/training/enrollment/{enrollment.pk}/change/"
    response = superuser_client.post(url, {"project": other.pk, "offline_class": elsewhere.pk})
    assert response.status_code == 200
    assert f"班级 {elsewhere.code} 不属于项目 {project.code}" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.project == project and enrollment.offline_class != elsewhere

    full = builders.offline_class(project, capacity=1)
    builders.enrol(project, full)
    response = superuser_client.post(url, {"offline_class": full.pk})
    assert "班级人数超过上限：上限 1 人，已有 1 人" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.offline_class != full


# --- trainees: the ID number is normalised by the model ------------------------------------------------------------


def test_lower_case_x_is_stored_as_upper_case_through_the_admin(dongying):
    officer = staff_user(Role.EM_OFFICER, region=dongying)
    enterprise = EnterpriseFactory(region=region_tree()[2])
    id_number = next(
        n for seq in range(1000) if (n := build_id_number("370502", datetime.date(1980, 1, 1), seq)).endswith("X")
    )
    data = {
        "name": "王五",
        "id_number": f" {id_number.lower()} ",
        "personnel_class": 3,
        "enterprise": enterprise.pk,
        "post_start_date": "2020-01-01",
        "phone": "13912345678",
    }
    response = _client(officer).post("/admin/training/trainee/add/", data)
    assert response.status_code == 302
    assert Trainee.objects.get(name="王五").id_number == id_number
    assert Trainee.objects.filter(id_number=id_number.lower()).count() == 1  # lookups are normalised too


def test_every_save_normalises_the_id_number(dongying):
    trainee = builders.trainee()
    upper = trainee.id_number
    Trainee.objects.filter(pk=trainee.pk).update(id_number=upper.lower())
    assert Trainee.objects.values_list("id_number", flat=True).get(pk=trainee.pk) == upper


# --- pickers: scoped, and the auditor / expert pickers list only accounts of that role -----------------------------


def test_auditor_and_expert_pickers_list_only_accounts_of_that_role_in_scope(hr, dongying):
    _user, client = hr
    project = builders.project(region=dongying)
    auditor = staff_user(Role.AUDITOR, username="auditor_t")
    expert = staff_user(Role.EXPERT, username="expert_t")
    far_region = region_tree(*NINGXIA)[1]
    far_auditor = staff_user(Role.AUDITOR, username="auditor_far", region=far_region)
    trainee_user = trainee_account_create(trainee=builders.enrol(project).trainee, password="Pass-word-2024")
    other_officer = staff_user(Role.HR_OFFICER, region=far_region)

    form = client.get(f"/admin/training/trainingproject/{project.pk}/change/").context["adminform"].form
    auditors = set(form.fields["auditors"].queryset)
    experts = set(form.fields["experts"].queryset)
    assert auditors == {auditor} and experts == {expert}
    for outsider in (trainee_user, other_officer, far_auditor):
        assert outsider not in auditors | experts
    page = client.get(f"/admin/training/trainingproject/{project.pk}/change/").content.decode()
    assert trainee_user.username not in page  # no trainee's ID number in the page
    assert far_region not in set(form.fields["region"].queryset)

    # a trainee posted into the auditor picker is refused
    data = _project_form(project, auditors=[trainee_user.pk])
    response = client.post(f"/admin/training/trainingproject/{project.pk}/change/", data)
    assert response.status_code == 200 and not project.auditors.exists()


def test_inline_pickers_are_scoped_too(dongying):
    project = builders.project(region=dongying)
    mine = builders.teacher(project)
    theirs = Teacher.objects.create(provider=ProviderFactory(region=dongying), name="外机构教师")
    staff = builders.provider_staff(project)
    oc = builders.offline_class(project)
    page = _client(staff).get(f"/admin/training/offlineclass/{oc.pk}/change/")
    assert page.status_code == 200
    inline = next(f for f in page.context["inline_admin_formsets"] if f.formset.model.__name__ == "ClassSession")
    teachers = set(inline.formset.empty_form.fields["teacher"].queryset)
    assert mine in teachers and theirs not in teachers


def test_autocomplete_answers_only_rows_in_scope(dongying):
    officer = staff_user(Role.EM_OFFICER, region=dongying)
    near = EnterpriseFactory(region=region_tree()[2], name="东营近处化工")
    far = EnterpriseFactory(region=region_tree(*NINGXIA)[2], name="宁东远处化工")
    params = {"app_label": "training", "model_name": "trainee", "field_name": "enterprise", "term": "化工"}
    results = _client(officer).get("/admin/autocomplete/", params).json()["results"]
    names = {r["text"] for r in results}
    assert near.name in names and far.name not in names
