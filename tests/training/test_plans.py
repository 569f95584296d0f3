"""Training plans: checked against the rule set in force when submitted; a plan breaking a rule is not approved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import region_tree, staff_user
from tests.training import builders
from training.models import PersonnelClass, PlanStatus
from training.roles import Role
from training.services.plans import plan_approve, plan_return, plan_submit
from training.services.policy import NATIONAL_DEFAULT, rule_set_create

pytestmark = pytest.mark.django_db

SM, TL = PersonnelClass.SAFETY_MANAGER, PersonnelClass.TEAM_LEADER


def _submitted(personnel_class, **hours):
    project = builders.project()
    plan = builders.plan(project, personnel_class, approved=False, **hours)
    plan = plan_submit(plan=plan, by=builders.provider_staff(project))
    return plan, staff_user(Role.HR_OFFICER, region=project.region)


def _approve(personnel_class, **hours):
    plan, hr = _submitted(personnel_class, **hours)
    return plan_approve(plan=plan, by=hr)


# (online incl. the 2 h documentary, offline theory, offline practical): offline ≥ 60 % in every case.
@pytest.mark.parametrize(
    "personnel_class, online, theory, practical, reason",
    [
        (SM, "9.4", "14.1", "0", "总学时 23.5，少于规定的 24–48 学时（差 0.5）"),
        (SM, "9.6", "14.4", "0", None),
        (SM, "19.2", "28.8", "0", None),
        (SM, "19.4", "29.1", "0", "总学时 48.5，超过规定的 24–48 学时（多 0.5）"),
        (TL, "28.8", "25.2", "18", None),
        (TL, "29", "25", "18.5", "总学时 72.5，超过规定的 24–72 学时（多 0.5）"),
        (TL, "9.4", "8.1", "6", "总学时 23.5，少于规定的 24–72 学时（差 0.5）"),
    ],
)
def test_total_hours_through_approval(personnel_class, online, theory, practical, reason):
    if reason is None:
        assert _approve(personnel_class, online=online, theory=theory, practical=practical).status == "approved"
    else:
        with pytest.raises(ValidationError) as exc:
            _approve(personnel_class, online=online, theory=theory, practical=practical)
        assert exc.value.messages == [f"不符合培训规则：{reason}"]


def test_offline_share_59_9_is_refused_60_is_approved():
    with pytest.raises(ValidationError) as exc:
        _approve(SM, online="40.1", theory="59.9")  # total 100 > 48: only the share matters here
    assert "不符合培训规则：线下学时占比 59.9%，低于 60%（线下 59.9/60 学时）" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        _approve(SM, online="10.02", theory="14.98")  # 59.92 % of 25
    assert exc.value.messages == ["不符合培训规则：线下学时占比 59.9%，低于 60%（线下 14.98/15 学时）"]
    assert _approve(SM, online="10", theory="15").status == PlanStatus.APPROVED


def test_practical_share_24_9_is_refused_25_is_approved_for_team_leaders():
    with pytest.raises(ValidationError) as exc:
        _approve(TL, online="16", theory="14.04", practical="9.96")  # 9.96 / 40 = 24.9 %
    assert exc.value.messages == ["不符合培训规则：实训学时占比 24.9%，低于 25%（实训 9.96/10 学时）"]
    assert _approve(TL, online="16", theory="14", practical="10").status == PlanStatus.APPROVED


def test_practical_share_does_not_apply_to_safety_managers():
    assert _approve(SM, online="9.6", theory="14.4", practical="0").status == PlanStatus.APPROVED


def test_documentary_is_compulsory():
    with pytest.raises(ValidationError) as exc:
        _approve(SM, online="9.6", theory="14.4", documentary_hours="0")
    assert exc.value.messages == ["不符合培训规则：缺少必学专题片《生命重于泰山》"]


def test_the_rule_set_is_fixed_at_submission():
    province, city, _ = region_tree()
    project = builders.project(region=city)
    plan = builders.plan(project, SM, online="9.6", theory="14.4", approved=False)
    plan = plan_submit(plan=plan, by=builders.provider_staff(project))
    stricter = {pc: dict(v, min_offline_percent=70) for pc, v in NATIONAL_DEFAULT.items()}
    rule_set_create(region=province, effective_from=datetime.date(2000, 1, 1), name="山东省", class_rules=stricter)
    # The province's stricter set now applies to new submissions, not to the plan already submitted.
    assert plan.rule_set.region is None
    assert plan_approve(plan=plan, by=staff_user(Role.HR_OFFICER, region=city)).status == PlanStatus.APPROVED
    other = builders.plan(builders.project(region=city), SM, online="9.6", theory="14.4", approved=False)
    other = plan_submit(plan=other, by=builders.provider_staff(other.project))
    with pytest.raises(ValidationError, match="线下学时占比 60%，低于 70%"):
        plan_approve(plan=other, by=staff_user(Role.HR_OFFICER, region=city))


def test_only_hr_or_em_of_the_region_approve():
    plan, _ = _submitted(SM, online="9.6", theory="14.4")
    _, _, other_county = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320706", "海州区"))
    for user in (builders.provider_staff(plan.project), staff_user(Role.HR_OFFICER, region=other_county)):
        with pytest.raises(ValidationError, match="无权进行此操作"):
            plan_approve(plan=plan, by=user)


def test_return_needs_a_comment_and_reopens_the_plan():
    plan, hr = _submitted(SM, online="9.6", theory="14.4")
    with pytest.raises(ValidationError, match="退回时必须填写"):
        plan_return(plan=plan, by=hr, comment=" ")
    assert plan_return(plan=plan, by=hr, comment="实训内容不足").status == PlanStatus.RETURNED


def test_plan_page_shows_the_broken_rule_and_refuses_approval(client):
    plan, hr = _submitted(SM, online="10.02", theory="14.98")
    client.force_login(hr)
    page = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "线下学时占比 59.9%，低于 60%（线下 14.98/15 学时）" in page
    response = client.post(reverse("plan-action", args=[plan.pk, "approve"]), follow=True)
    assert "不符合培训规则：线下学时占比 59.9%，低于 60%" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_plan_page_approves_a_valid_plan(client):
    plan, hr = _submitted(TL, online="16", theory="14", practical="10")
    client.force_login(hr)
    assert "符合全部培训规则" in client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    client.post(reverse("plan-action", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by) == (PlanStatus.APPROVED, hr)


def test_a_plan_out_of_scope_is_404(client):
    plan, _ = _submitted(SM)
    _, _, other_county = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320706", "海州区"))
    client.force_login(staff_user(Role.HR_OFFICER, region=other_county))
    assert client.get(reverse("plan-detail", args=[plan.pk])).status_code == 404


def test_provider_adds_a_course_through_the_page(client):
    project = builders.project()
    plan = builders.plan(project, SM, approved=False)
    client.force_login(builders.provider_staff(project))
    client.post(
        reverse("plan-action", args=[plan.pk, "course"]),
        {"title": "危险化学品储存", "hours": "2", "modality": "offline_theory"},
    )
    assert plan.courses.filter(title="危险化学品储存").exists()
