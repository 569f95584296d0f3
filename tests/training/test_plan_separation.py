"""Issue 7 finding 12: the author of a plan never approves it. Anyone who created, edited or submitted the plan is
on its history, and training.services.plans refuses their approval, through the plan page and the admin alike."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import region_tree, staff_user
from tests.training import builders
from training.models import PlanAction, PlanStatus, TrainingPlan
from training.roles import Role
from training.services.plans import plan_create

pytestmark = pytest.mark.django_db

REFUSAL = "不能批准本人创建、修改或提交的培训计划"
COURSES = [  # 24 hours, 60 % offline, the documentary included: a plan every rule accepts
    {"title": "专题片《生命重于泰山》", "hours": "2", "modality": "online", "is_documentary": "on"},
    {"title": "法律法规", "hours": "7.6", "modality": "online"},
    {"title": "事故案例研讨", "hours": "14.4", "modality": "offline_theory"},
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officers():
    """Two HR officers of Dongying (like hr_dongying and a colleague), and the project."""
    city = region_tree()[1]
    project = builders.project(region=city)
    return project, staff_user(Role.HR_OFFICER, region=city), staff_user(Role.HR_OFFICER, region=city)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_officer_who_wrote_and_submitted_a_plan_cannot_approve_it_on_the_page(officers):
    project, author, colleague = officers
    plan = plan_create(project=project, personnel_class=2, by=author)
    client = _client(author)
    for course in COURSES:
        client.post(reverse("plan-action", args=[plan.pk, "course"]), course)
    client.post(reverse("plan-action", args=[plan.pk, "submit"]))
    assert TrainingPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED

    response = client.post(reverse("plan-action", args=[plan.pk, "approve"]), follow=True)
    assert REFUSAL in _messages(response)
    assert TrainingPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED

    _client(colleague).post(reverse("plan-action", args=[plan.pk, "approve"]), {"comment": "同意"})
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by) == (PlanStatus.APPROVED, colleague)
    history = list(plan.history.values_list("action", "by"))
    assert history == [
        (PlanAction.CREATED, author.pk),
        *[(PlanAction.COURSE_ADDED, author.pk)] * 3,
        (PlanAction.SUBMITTED, author.pk),
        (PlanAction.APPROVED, colleague.pk),
    ]


def test_an_officer_who_only_added_a_course_cannot_approve(officers):
    project, editor, colleague = officers
    plan = builders.plan(project, approved=False)
    staff = builders.provider_staff(project)
    _client(editor).post(
        reverse("plan-action", args=[plan.pk, "course"]), {"title": "补充课程", "hours": "1", "modality": "online"}
    )
    _client(staff).post(
        reverse("plan-action", args=[plan.pk, "course"]),
        {"title": "实操", "hours": "1.5", "modality": "offline_theory"},
    )
    _client(staff).post(reverse("plan-action", args=[plan.pk, "submit"]))
    response = _client(editor).post(reverse("plan-action", args=[plan.pk, "approve"]), follow=True)
    assert REFUSAL in _messages(response)
    _client(colleague).post(reverse("plan-action", args=[plan.pk, "approve"]))
    assert TrainingPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def _action(client, action, plan, **extra):
    data = {"action": action, "_selected_action": [str(plan.pk)], "index": "0", **extra}
    return client.post("/admin/training/trainingplan/", data, follow=True)


def test_the_admin_actions_obey_the_same_separation(officers):
    project, author, colleague = officers
    plan = plan_create(project=project, personnel_class=2, by=author)
    client = _client(author)
    for course in COURSES:
        client.post(reverse("plan-action", args=[plan.pk, "course"]), course)
    response = _action(client, "submit", plan)
    assert "已提交：1" in _messages(response)
    response = _action(client, "approve", plan)
    assert REFUSAL in _messages(response)
    assert TrainingPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED

    response = _action(_client(colleague), "approve", plan)
    assert "已批准：1" in _messages(response)
    assert TrainingPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def test_a_superuser_who_built_the_plan_in_the_admin_cannot_approve_it_there(officers):
    project, _author, colleague = officers
    admin_user = staff_user(Role.ADMIN, username="admin_sod")
    client = _client(admin_user)
    response = client.post("/admin/training/trainingplan/add/", {"project": project.pk, "personnel_class": 2})
    assert response.status_code == 302
    plan = TrainingPlan.objects.get(project=project, personnel_class=2)
    inline = {"courses-TOTAL_FORMS": "3", "courses-INITIAL_FORMS": "0", "history-TOTAL_FORMS": "0"}
    inline["history-INITIAL_FORMS"] = "0"
    for i, course in enumerate(COURSES):
        inline |= {f"courses-{i}-{k}": v for k, v in course.items()} | {f"courses-{i}-order": str(i)}
    response = client.post(f"/admin/training/trainingplan/{plan.pk}/change/", inline)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert plan.courses.count() == 3
    assert set(plan.history.values_list("action", flat=True)) == {PlanAction.CREATED, PlanAction.COURSE_ADDED}

    _action(_client(colleague), "submit", plan)
    response = _action(client, "approve", plan)
    assert REFUSAL in _messages(response)
    assert TrainingPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
