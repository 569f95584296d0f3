"""Acceptance (验收) through its page by the project's third party: before it the agency's page says why the final
payment is blocked and a payment is refused; once recorded the same payment goes through. An auditor of another
project gets a 404, HR (who does not accept projects) a 403."""

import pytest
from django.urls import reverse

from funding.models import Acceptance, BatchStatus, ClaimBatch, EntryKind, LedgerEntry
from tests.factories import staff_user
from tests.funding.support import Fund
from tests.training import builders
from training.roles import Role

pytestmark = pytest.mark.django_db

BLOCKED = "项目尚未验收：验收前最多支付预付部分 0.00 元（已支付 0.00 元，本次 1,000.00 元），尾款须先登记验收"


def _approved_batch(client, fund):
    """Provider claims, HR reviews, the agency approves: all on the pages."""
    enrollment = fund.enrol()
    client.force_login(fund.staff)
    client.post(reverse("funding:claimable", args=[fund.terms.pk]), {"enrollment": [enrollment.pk]})
    batch = ClaimBatch.objects.get()
    client.force_login(fund.hr)
    client.post(reverse("funding:batch-action", args=[batch.pk, "review"]), {"reason": "无误"})
    client.force_login(fund.si)
    client.post(reverse("funding:batch-action", args=[batch.pk, "approve"]), {"reason": "同意"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    return batch


def _pay(client, batch):
    url = reverse("funding:batch-action", args=[batch.pk, "pay"])
    return client.post(url, {"idempotency_key": f"pay-{batch.pk}", "amount_fen": "100000"}, follow=True)


def test_final_payment_refused_before_acceptance_and_paid_after_it(client):
    fund = Fund()  # no advance: everything is the final payment
    batch = _approved_batch(client, fund)
    detail = client.get(reverse("funding:batch-detail", args=[batch.pk])).content.decode()
    assert "暂不能支付" in detail and BLOCKED in detail and "登记支付" not in detail
    assert BLOCKED in _pay(client, batch).content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()

    auditor = staff_user(Role.AUDITOR)
    fund.project.auditors.add(auditor)
    client.force_login(auditor)
    url = reverse("funding:acceptance", args=[fund.terms.pk])
    page = client.get(url).content.decode()
    assert "尾款暂不能支付" in page and "项目尚未验收" in page and 'name="document"' in page
    form = {"kind": "third_party", "accepted_on": "2024-12-20", "document": "验收报告〔2024〕7号"}
    response = client.post(url, form, follow=True)
    acceptance = Acceptance.objects.get(terms=fund.terms)
    assert (acceptance.recorded_by, acceptance.document) == (auditor, "验收报告〔2024〕7号")
    page = response.content.decode()
    assert "已登记项目验收" in page and "验收报告〔2024〕7号" in page and "尾款暂不能支付" not in page

    client.force_login(fund.si)
    assert "登记支付 1,000.00 元" in client.get(reverse("funding:batch-detail", args=[batch.pk])).content.decode()
    _pay(client, batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID
    assert LedgerEntry.objects.get(kind=EntryKind.PAYMENT).acceptance == acceptance


def test_acceptance_without_a_document_is_refused_and_only_once(client):
    fund = Fund()
    expert = staff_user(Role.EXPERT)
    fund.project.experts.add(expert)
    client.force_login(expert)
    url = reverse("funding:acceptance", args=[fund.terms.pk])
    page = client.post(url, {"kind": "experts", "accepted_on": "2024-12-20", "document": "  "}).content.decode()
    assert "errorlist" in page and not Acceptance.objects.exists()
    client.post(url, {"kind": "experts", "accepted_on": "2024-12-20", "document": "专家验收意见"})
    assert Acceptance.objects.get().recorded_by == expert
    page = client.post(url, {"kind": "experts", "accepted_on": "2024-12-21", "document": "再次"}).content.decode()
    assert "该项目已登记验收" in page and Acceptance.objects.count() == 1


def test_an_auditor_of_another_project_gets_404_and_hr_403(client):
    fund = Fund()
    other = staff_user(Role.AUDITOR)
    builders.project(region=fund.region).auditors.add(other)
    url = reverse("funding:acceptance", args=[fund.terms.pk])
    form = {"kind": "third_party", "accepted_on": "2024-12-20", "document": "验收报告"}
    client.force_login(other)
    assert client.get(url).status_code == 404 and client.post(url, form).status_code == 404
    client.force_login(fund.hr)
    assert client.get(url).status_code == 200
    assert client.post(url, form).status_code == 403
    assert not Acceptance.objects.exists()


def test_auditors_find_the_acceptance_step_from_the_nav_and_the_contract_list(client):
    fund = Fund()
    auditor = staff_user(Role.AUDITOR)
    fund.project.auditors.add(auditor)
    client.force_login(auditor)
    home = client.get(reverse("funding:home"))
    assert home.status_code == 200
    assert f'href="{reverse("funding:contracts")}"' in home.content.decode()
    page = client.get(reverse("funding:contracts")).content.decode()
    assert "登记验收" in page and reverse("funding:acceptance", args=[fund.terms.pk]) in page
