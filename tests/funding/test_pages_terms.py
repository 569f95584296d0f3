"""HR enters a service contract's fund terms on its page: the signing reserves against the budget, over the cap it
is refused with the figures and nothing is written; a fee per hour below the region's benchmark shows the low-price
warning and needs the acknowledgement, recorded with who and when; out of scope is a 404, another role a 403."""

import datetime

import pytest
from django.urls import reverse

from funding.models import Budget, ContractTerms, EntryKind, FundRule, LedgerEntry
from funding.services.budgets import budget_set
from tests.factories import region_tree, staff_user
from tests.funding.support import Fund
from training.roles import Role

pytestmark = pytest.mark.django_db

TERMS = {"fee_2": "1200", "online_fee_2": "200", "hours_2": "24", "advance_percent": "30"}


def _fund(income_fen=10**10):
    fund = Fund(budget=False)  # a signed contract: 10 safety managers at 1,200.00 yuan
    fund.budget = budget_set(
        region=fund.region, year=2024, contribution_income_fen=income_fen, share_bp=300, by=fund.hr
    )
    return fund


def _url(fund):
    return reverse("funding:terms", args=[fund.contract.pk])


def test_terms_entered_reserve_the_contract_against_the_budget(client):
    fund = _fund()
    client.force_login(fund.hr)
    page = client.get(_url(fund)).content.decode()
    assert "尚可预留 3,000,000.00 元" in page and 'name="fee_2"' in page
    response = client.post(_url(fund), {**TERMS, "online_tender_document": "DYCG-2024-031 中标通知书"}, follow=True)
    terms = ContractTerms.objects.get(contract=fund.contract)
    assert (terms.amount_fen, terms.advance_bp, terms.acceptance_bp) == (1_200_000, 3000, 7000)
    assert terms.online_tendered and terms.online_tender_by == fund.hr and not terms.low_price
    assert Budget.objects.get(pk=fund.budget.pk).reserved_fen == 1_200_000
    assert LedgerEntry.objects.get(kind=EntryKind.RESERVATION).amount_fen == 1_200_000
    page = response.content.decode()
    assert "合同金额 12,000.00 元已在" in page and "项目验收" in page  # the detail page and its next step


def test_a_contract_over_the_cap_is_refused_with_the_figures_and_nothing_written(client):
    fund = _fund(income_fen=10_000_000)  # cap 3,000.00 yuan
    client.force_login(fund.hr)
    page = client.post(_url(fund), TERMS).content.decode()
    assert "超出预算上限：上限 3,000.00 元，已预留 0.00 元，本合同 12,000.00 元，尚可预留 3,000.00 元" in page
    assert not ContractTerms.objects.exists() and not LedgerEntry.objects.exists()
    assert Budget.objects.get(pk=fund.budget.pk).reserved_fen == 0


def test_the_low_price_warning_needs_the_acknowledgement_which_is_recorded(client):
    fund = _fund()
    FundRule.objects.create(
        region=fund.region, effective_from=datetime.date(2017, 1, 1), cost_benchmark_fen_per_hour=10_000
    )
    client.force_login(fund.hr)
    page = client.post(_url(fund), TERMS).content.decode()
    assert "低价竞争预警（严防低价竞争）" in page
    assert "专职安全管理人员：每学时 50.00 元，低于本地区成本基准 100.00 元（严防低价竞争）" in page
    assert 'name="acknowledge_low_price"' in page
    assert page.count("低于本地区成本基准 100.00 元") == 1  # said once, in the warning box, not again as an error
    assert not ContractTerms.objects.exists() and not LedgerEntry.objects.exists()
    response = client.post(_url(fund), {**TERMS, "acknowledge_low_price": "on"}, follow=True)
    terms = ContractTerms.objects.get()
    assert terms.low_price and terms.low_price_acknowledged_by == fund.hr and terms.low_price_acknowledged_at
    assert f"已由 {fund.hr.get_username()} 于" in response.content.decode()


def test_shares_that_do_not_make_a_whole_are_refused(client):
    fund = _fund()
    client.force_login(fund.hr)
    page = client.post(_url(fund), {**TERMS, "acceptance_percent": "60"}).content.decode()
    assert "预付比例 30% 与验收后支付比例 60% 合计须为100%" in page
    assert not ContractTerms.objects.exists()


def test_another_region_is_a_404_and_other_roles_403(client):
    fund = _fund()
    _, nanjing, _ = region_tree(("320000", "江苏省"), ("320100", "南京市"), ("320102", "玄武区"))
    client.force_login(staff_user(Role.HR_OFFICER, region=nanjing))
    assert client.get(_url(fund)).status_code == 404
    assert client.post(_url(fund), TERMS).status_code == 404
    client.force_login(fund.si)
    assert client.get(_url(fund)).status_code == 200
    assert client.post(_url(fund), TERMS).status_code == 403
    client.force_login(fund.staff)  # the provider reads its contract, cannot enter terms
    page = client.get(_url(fund)).content.decode()
    assert "资金条款由人社部门登记" in page and 'name="fee_2"' not in page
    assert client.post(_url(fund), TERMS).status_code == 403
    assert not ContractTerms.objects.exists()


def test_the_tender_can_be_recorded_later_on_the_detail_page(client):
    fund = _fund()
    client.force_login(fund.hr)
    client.post(_url(fund), TERMS)
    response = client.post(_url(fund), {"document": "招标文件 2024-9"}, follow=True)
    terms = ContractTerms.objects.get()
    assert terms.online_tendered and terms.online_tender_document == "招标文件 2024-9"
    assert "已登记线上培训招标采购" in response.content.decode()
