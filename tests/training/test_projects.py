"""Project workflow, contracts and expert reviews: allowed steps only, by the roles allowed, recorded."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import region_tree, staff_user
from tests.training import builders
from training.models import ProjectStatus, ServiceContract
from training.roles import Role
from training.services.projects import allowed_transitions, contract_save, expert_review_submit, project_transition

pytestmark = pytest.mark.django_db

CONTRACT = dict(
    trainees_class1=10,
    trainees_class2=30,
    trainees_class3=60,
    method="线上线下结合",
    content="三类人员培训",
    start_date=datetime.date(2024, 4, 1),
    end_date=datetime.date(2024, 12, 31),
    performance_targets="合格率90%",
    fee_class1=Decimal("1200.50"),
    fee_class2=Decimal("1000"),
    fee_class3=Decimal("900"),
    responsibilities="略",
)


@pytest.fixture
def cast():
    project = builders.project(status=ProjectStatus.DRAFT)
    hr = staff_user(Role.HR_OFFICER, region=project.region)
    expert = staff_user(Role.EXPERT)
    project.experts.add(expert)
    return project, hr, expert, builders.provider_staff(project)


def test_the_whole_workflow_is_recorded(cast):
    project, hr, expert, staff = cast
    project_transition(project=project, to_status="submitted", by=staff)
    project_transition(project=project, to_status="expert_review", by=hr)
    expert_review_submit(project=project, expert=expert, score=86, comment="方案可行")
    project_transition(project=project, to_status="selected", by=hr)
    contract_save(project=project, by=hr, **CONTRACT)
    for step in ("contracted", "in_progress", "accepted"):
        project_transition(project=project, to_status=step, by=hr)
    changes = list(project.status_changes.values_list("from_status", "to_status", "changed_by"))
    assert changes == [
        ("draft", "submitted", staff.pk),
        ("submitted", "expert_review", hr.pk),
        ("expert_review", "selected", hr.pk),
        ("selected", "contracted", hr.pk),
        ("contracted", "in_progress", hr.pk),
        ("in_progress", "accepted", hr.pk),
    ]
    assert all(c.changed_at for c in project.status_changes.all())


def test_steps_cannot_be_skipped(cast):
    project, hr, *_ = cast
    with pytest.raises(ValidationError) as exc:
        project_transition(project=project, to_status="contracted", by=hr)
    assert exc.value.messages == ["项目状态不能从“草稿”变为“已签订合同”"]


def test_providers_submit_but_do_not_select(cast):
    project, hr, expert, staff = cast
    project_transition(project=project, to_status="submitted", by=staff)
    with pytest.raises(ValidationError) as exc:
        project_transition(project=project, to_status="expert_review", by=staff)
    assert exc.value.messages == ["“专家评审中”须由项目所在地人社或应急管理部门操作"]


def test_officers_of_another_region_cannot_act(cast):
    project, *_ = cast
    _, _, other = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320706", "海州区"))
    with pytest.raises(ValidationError, match="无权操作该项目"):
        project_transition(project=project, to_status="submitted", by=staff_user(Role.HR_OFFICER, region=other))


def test_selection_needs_a_review_and_contracting_a_contract(cast):
    project, hr, expert, staff = cast
    project_transition(project=project, to_status="submitted", by=staff)
    project_transition(project=project, to_status="expert_review", by=hr)
    with pytest.raises(ValidationError, match="尚无专家评审意见"):
        project_transition(project=project, to_status="selected", by=hr)
    expert_review_submit(project=project, expert=expert, score=70)
    project_transition(project=project, to_status="selected", by=hr)
    with pytest.raises(ValidationError, match="尚未录入服务合同"):
        project_transition(project=project, to_status="contracted", by=hr)


def test_only_assigned_experts_review_and_only_during_review(cast):
    project, hr, expert, staff = cast
    with pytest.raises(ValidationError, match="不在专家评审阶段"):
        expert_review_submit(project=project, expert=expert, score=80)
    project_transition(project=project, to_status="submitted", by=staff)
    project_transition(project=project, to_status="expert_review", by=hr)
    with pytest.raises(ValidationError, match="该专家未被指定评审此项目"):
        expert_review_submit(project=project, expert=staff_user(Role.EXPERT), score=80)
    with pytest.raises(ValidationError, match="须为 0–100 的整数（收到 101）"):
        expert_review_submit(project=project, expert=expert, score=101)
    assert expert_review_submit(project=project, expert=expert, score=100).score == 100


def test_contract_is_written_by_officers_with_decimal_fees(cast):
    project, hr, expert, staff = cast
    with pytest.raises(ValidationError, match="须由项目所在地人社或应急管理部门录入"):
        contract_save(project=project, by=staff, **CONTRACT)
    contract = contract_save(project=project, by=hr, **CONTRACT)
    assert contract.fee(1) == Decimal("1200.50") and contract.planned_total == 100
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        contract_save(project=project, by=hr, **dict(CONTRACT, end_date=datetime.date(2024, 1, 1)))


def test_project_page_shows_the_buttons_each_role_may_use(client, cast):
    project, hr, expert, staff = cast
    url = reverse("project-detail", args=[project.pk])
    client.force_login(staff)
    assert "改为“已申报”" in client.get(url).content.decode()
    client.post(reverse("project-transition", args=[project.pk]), {"to_status": "submitted"})
    project.refresh_from_db()
    assert project.status == "submitted"
    assert "改为“专家评审中”" not in client.get(url).content.decode()
    client.force_login(hr)
    assert "改为“专家评审中”" in client.get(url).content.decode()
    assert allowed_transitions(hr, project) == ["draft", "expert_review"]


def test_expert_reviews_through_the_page_and_sees_only_assigned_projects(client, cast):
    project, hr, expert, staff = cast
    project_transition(project=project, to_status="submitted", by=staff)
    project_transition(project=project, to_status="expert_review", by=hr)
    other = builders.project()
    client.force_login(expert)
    assert client.get(reverse("project-detail", args=[other.pk])).status_code == 404
    assert project.code in client.get(reverse("project-list")).content.decode()
    client.post(reverse("project-review", args=[project.pk]), {"score": "88", "comment": "好"})
    assert project.reviews.get().score == 88


def test_contract_form_page(client, cast):
    project, hr, *_ = cast
    client.force_login(hr)
    data = {k: str(v) for k, v in CONTRACT.items()}
    response = client.post(reverse("project-contract", args=[project.pk]), data)
    assert response.status_code == 302
    assert ServiceContract.objects.get(project=project).fee_class1 == Decimal("1200.50")
