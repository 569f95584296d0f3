"""The fund in the admin is a door like any other: ledger entries cannot be added, changed or deleted (not even by a
superuser, not even with a hand-made POST), status fields are read only, lists are scoped, and the workflow steps
offered are the services' (the maker-checker rule holds here too)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from funding.models import BatchStatus, Claim, ClaimBatch, ContractTerms, EntryKind, FraudCase, LedgerEntry
from funding.services.claims import batch_review, batch_submit
from tests.factories import region_tree, staff_user
from tests.funding.support import Fund, flag
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid():
    fund = Fund(advance_bp=10000)
    fund.paid_batch([fund.enrol()])
    return fund


def test_ledger_entries_cannot_be_added_changed_or_deleted_through_the_admin(client, paid):
    client.force_login(staff_user(Role.ADMIN, username="admin_fund"))
    entry = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
    before = list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount_fen", "kind", "hash"))
    fake = {"kind": "payment", "amount_fen": "1", "idempotency_key": "forged", "region": paid.region.pk, "year": 2024}
    assert client.post(reverse("admin:funding_ledgerentry_add"), fake).status_code == 403
    change = reverse("admin:funding_ledgerentry_change", args=[entry.pk])
    assert client.post(change, {**fake, "amount_fen": "999999"}).status_code == 403
    assert (
        client.post(reverse("admin:funding_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    changelist = reverse("admin:funding_ledgerentry_changelist")
    client.post(changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [entry.pk], "post": "yes"})
    assert list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount_fen", "kind", "hash")) == before
    page = client.get(change).content.decode()
    assert 'name="amount_fen"' not in page and 'name="_save"' not in page
    assert 'name="action"' not in client.get(changelist).content.decode()  # no actions at all on the ledger


def test_status_fields_are_read_only(client, paid):
    client.force_login(staff_user(Role.ADMIN, username="admin_fund"))
    batch = ClaimBatch.objects.get()
    url = reverse("admin:funding_claimbatch_change", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'name="status"' not in page and "已支付" in page
    assert client.post(url, {"status": "submitted", "paid_fen": "0"}).status_code == 403
    terms = ContractTerms.objects.get()
    assert (
        client.post(
            reverse("admin:funding_contractterms_change", args=[terms.pk]), {"status": "cancelled"}
        ).status_code
        == 403
    )
    batch.refresh_from_db()
    terms.refresh_from_db()
    assert (batch.status, terms.status) == (BatchStatus.PAID, "active")


def test_lists_are_scoped_and_another_regions_rows_are_404(client, paid):
    _, nanjing, _ = region_tree(("320000", "江苏省"), ("320100", "南京市"), ("320102", "玄武区"))
    other = Fund(region=nanjing)
    client.force_login(paid.hr)
    page = client.get(reverse("admin:funding_contractterms_changelist")).content.decode()
    assert str(paid.contract) in page and str(other.contract) not in page
    assert client.get(reverse("admin:funding_contractterms_change", args=[other.terms.pk])).status_code == 404
    entries = client.get(reverse("admin:funding_ledgerentry_changelist")).context["cl"].result_list
    assert {e.region_id for e in entries} == {paid.region.pk}


def test_approval_in_the_admin_goes_through_the_service_and_keeps_maker_checker_apart(client):
    fund = Fund(advance_bp=10000)
    batch = batch_submit(terms=fund.terms, enrollment_ids=[fund.enrol().pk], by=fund.staff)
    batch_review(batch=batch, by=fund.hr)
    url = reverse("admin:funding_claimbatch_changelist")
    data = {"action": "approve", ACTION_CHECKBOX_NAME: [batch.pk], "apply": "1", "reason": "同意"}
    client.force_login(fund.hr)  # HR reviews, never approves
    client.post(url, data)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEWED
    client.force_login(fund.si)
    response = client.post(url, data, follow=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED and batch.approved_by == fund.si
    assert "已审批" in response.content.decode()


def test_every_fund_list_and_record_opens_read_only_for_the_superuser(client, paid):
    client.force_login(staff_user(Role.ADMIN, username="admin_fund"))
    for name in ("budget", "contractterms", "acceptance", "claimbatch", "claim", "ledgerentry", "fraudcase"):
        assert client.get(reverse(f"admin:funding_{name}_changelist")).status_code == 200, name
    for model, obj in [("budget", paid.budget), ("contractterms", paid.terms), ("claim", Claim.objects.get())]:
        page = client.get(reverse(f"admin:funding_{model}_change", args=[obj.pk])).content.decode()
        assert 'name="_save"' not in page, model
    assert client.get(reverse("admin:funding_budget_add")).status_code == 403


def test_a_fraud_decision_in_the_admin_goes_through_the_service(client, paid):
    flag(Claim.objects.get().enrollment, confirm=True)  # confirmed after payment: clawed back, a case opened
    case = FraudCase.objects.get()
    url = reverse("admin:funding_fraudcase_changelist")
    data = {
        "action": "decide",
        ACTION_CHECKBOX_NAME: [case.pk],
        "apply": "1",
        "decision_number": "东人社罚〔2024〕1号",
    }
    client.force_login(paid.si)
    page = client.post(url, {**data, "fine_times": "6"}, follow=True).content.decode()
    assert "罚款倍数：须在骗取金额的 2 至 5 倍之间" in page
    case.refresh_from_db()
    assert case.decided_at is None
    client.post(url, {**data, "fine_times": "3"})
    case.refresh_from_db()
    assert (case.fine_fen, case.decided_by, case.decision_number) == (
        3 * case.amount_fen,
        paid.si,
        "东人社罚〔2024〕1号",
    )
    assert ContractTerms.objects.get().status == "cancelled"
