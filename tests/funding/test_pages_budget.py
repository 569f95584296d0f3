"""HR records a pooling area's yearly budget on its page: a share over 3 % is refused with the figures unless the
provincial approval's number and date are recorded; the list shows cap, reserved, paid and what is left; another
region is a 404 and a role that does not keep budgets a 403."""

import datetime

import pytest
from django.urls import reverse

from funding.models import Budget
from tests.factories import region_tree, staff_user
from tests.funding.support import Fund
from training.roles import Role

pytestmark = pytest.mark.django_db

URL = reverse("funding:budgets")


def _form(region, **extra):
    return {"region": region.code, "year": 2025, "contribution_income": "1000000", "share_percent": "3.5", **extra}


def test_a_share_over_three_percent_without_approval_is_refused_with_its_figures(client):
    fund = Fund()
    client.force_login(fund.hr)
    response = client.post(URL, _form(fund.region))
    page = response.content.decode()
    assert response.status_code == 200
    assert "预防费比例 3.5% 超过 3%：须登记省级人力资源社会保障和财政部门的批准文号及日期" in page
    assert not Budget.objects.filter(year=2025).exists()


def test_with_the_approval_recorded_the_higher_share_is_accepted_and_its_cap_shown(client):
    fund = Fund()
    client.force_login(fund.hr)
    approval = {"approval_number": "鲁人社字〔2025〕3号", "approval_date": "2025-01-10"}
    response = client.post(URL, _form(fund.region, **approval), follow=True)
    budget = Budget.objects.get(year=2025)
    assert (budget.cap_fen, budget.share_bp, budget.recorded_by) == (3_500_000, 350, fund.hr)
    assert (budget.approval_number, budget.approval_date) == ("鲁人社字〔2025〕3号", datetime.date(2025, 1, 10))
    page = response.content.decode()
    assert "上年度征缴收入 1,000,000.00 元 × 3.5% = 上限 35,000.00 元" in page
    assert "鲁人社字〔2025〕3号（2025-01-10）" in page


def test_the_list_shows_cap_reserved_paid_and_left(client):
    fund = Fund(cap_income=10**8)  # cap 30,000.00 yuan; the contract reserves 10 × 1,200.00
    client.force_login(fund.hr)
    page = client.get(URL).content.decode()
    assert "30,000.00" in page and "12,000.00" in page and "18,000.00" in page
    assert "登记预算" in page and "服务合同资金条款" in page  # the form and the next step


def test_fractions_of_a_fen_are_refused_and_nothing_written(client):
    fund = Fund()
    client.force_login(fund.hr)
    page = client.post(URL, _form(fund.region, contribution_income="1000.005", share_percent="3")).content.decode()
    assert "上年度征缴收入：不能小于一分" in page and not Budget.objects.filter(year=2025).exists()


def test_another_region_is_a_404_and_other_roles_403(client):
    fund = Fund()
    _, nanjing, _ = region_tree(("320000", "江苏省"), ("320100", "南京市"), ("320102", "玄武区"))
    client.force_login(fund.hr)
    assert client.post(URL, _form(nanjing, share_percent="3")).status_code == 404
    assert not Budget.objects.filter(region=nanjing).exists()
    client.force_login(fund.si)  # sees budgets, does not keep them
    assert client.get(URL).status_code == 200
    assert client.post(URL, _form(fund.region, share_percent="3")).status_code == 403
    client.force_login(fund.staff)
    assert client.get(URL).status_code == 403
    client.force_login(staff_user(Role.AUDITOR))
    assert client.get(URL).status_code == 403
    assert not Budget.objects.filter(year=2025).exists()


def test_the_nav_offers_budgets_only_to_hr(client):
    fund = Fund()
    client.force_login(fund.hr)
    assert f'href="{URL}"' in client.get(reverse("funding:home")).content.decode()
    client.force_login(fund.staff)
    page = client.get(reverse("funding:home")).content.decode()
    assert f'href="{URL}"' not in page and f'href="{reverse("funding:contracts")}"' in page
