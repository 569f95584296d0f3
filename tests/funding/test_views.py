"""The fund's pages: the provider sees why each trainee is (not) claimable and submits; HR reviews; the agency
approves and pays once (a double click with the same key pays once); out of scope is 404; the public page is open."""

import pytest
from django.urls import reverse

from funding.models import BatchStatus, ClaimBatch, EntryKind, LedgerEntry
from funding.rules import NOT_PASSED
from tests.factories import ProviderFactory
from tests.funding.support import Fund, flag
from tests.training import builders

pytestmark = pytest.mark.django_db


def test_claim_to_payment_through_the_pages(client):
    fund = Fund()
    fund.accept()
    ok, failed, flagged = fund.enrol(), fund.enrol(passed=False), fund.enrol()
    flag(flagged)
    client.force_login(fund.staff)
    page = client.get(reverse("funding:claimable", args=[fund.terms.pk])).content.decode()
    assert NOT_PASSED in page and "有待审核的代学标记" in page and "可申领 1 人，合计 1,000.00 元" in page
    response = client.post(reverse("funding:claimable", args=[fund.terms.pk]), {"enrollment": [ok.pk]})
    batch = ClaimBatch.objects.get()
    assert response.url == reverse("funding:batch-detail", args=[batch.pk])
    client.force_login(fund.hr)
    client.post(reverse("funding:batch-action", args=[batch.pk, "review"]), {"reason": "无误"})
    client.force_login(fund.si)
    client.post(reverse("funding:batch-action", args=[batch.pk, "approve"]), {"reason": "同意"})
    page = client.get(reverse("funding:batch-detail", args=[batch.pk])).content.decode()
    assert "登记支付 1,000.00 元" in page
    pay = {"idempotency_key": "double-click", "amount_fen": "100000"}
    client.post(reverse("funding:batch-action", args=[batch.pk, "pay"]), pay)
    client.post(reverse("funding:batch-action", args=[batch.pk, "pay"]), pay)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID and LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert failed.pk and flagged.pk


def test_a_provider_cannot_see_another_providers_contract_and_refusals_are_shown(client):
    fund = Fund()
    e = fund.enrol(passed=False)
    other = builders.provider_staff(builders.project(region=fund.region, provider=ProviderFactory(region=fund.region)))
    client.force_login(other)
    assert client.get(reverse("funding:claimable", args=[fund.terms.pk])).status_code == 404
    client.force_login(fund.staff)
    response = client.post(reverse("funding:claimable", args=[fund.terms.pk]), {"enrollment": [e.pk]}, follow=True)
    assert "考试未通过" in response.content.decode() and not ClaimBatch.objects.exists()


def test_public_page_needs_no_sign_in(client):
    assert client.get(reverse("funding:public-fund")).status_code == 200
    assert client.get(reverse("funding:public-fund-csv")).status_code == 200
