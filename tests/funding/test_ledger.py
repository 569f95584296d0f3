"""The ledger: hash chain, verify_ledger, append-only on PostgreSQL, a reversal at most once, budgets and caps."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from funding.models import Budget, ContractTerms, EntryKind, LedgerEntry
from funding.services.budgets import Price, budget_set
from funding.services.clawback import payment_reverse
from funding.services.ledger import ledger_post
from tests.funding.support import PC, Fund

pytestmark = pytest.mark.django_db


def _verify():
    from io import StringIO

    out = StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue().strip()


def _paid_fund():
    fund = Fund()
    fund.accept()
    e1, e2 = fund.enrol(), fund.enrol()
    fund.paid_batch([e1, e2])
    return fund


def test_verify_ledger_walks_the_chain():
    _paid_fund()
    head = LedgerEntry.objects.order_by("-pk").first()
    assert _verify() == f"ledger ok: 3 entries, head {head.hash}"  # reservation + two payments
    first = LedgerEntry.objects.order_by("pk").first()
    assert first.prev_hash == "0" * 64 and first.kind == EntryKind.RESERVATION


def test_verify_ledger_catches_a_row_changed_with_raw_sql():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the UPDATE itself (test_raw_update_and_delete_fail_on_postgres)")
    _paid_fund()
    victim = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE funding_ledgerentry SET amount_fen = 1 WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=f"entry {victim.pk}: 内容与哈希不符"):
        call_command("verify_ledger")


def test_verify_ledger_catches_a_deleted_row():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the DELETE itself")
    _paid_fund()
    victim = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM funding_ledgerentry WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match="上一条哈希不符"):
        call_command("verify_ledger")


@pytest.mark.postgres
def test_raw_update_and_delete_fail_on_postgres():
    _paid_fund()
    victim = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).first()
    for sql in (
        "UPDATE funding_ledgerentry SET amount_fen = 1 WHERE id = %s",
        "DELETE FROM funding_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(Exception, match="ledger_append_only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [victim.pk])
    victim.refresh_from_db()
    assert victim.amount_fen == 100_000 and _verify().startswith("ledger ok: 3 entries")


def test_an_entry_is_reversed_at_most_once():
    fund = _paid_fund()
    payment = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).first()
    with pytest.raises(ValidationError, match="依据文号"):
        payment_reverse(entry=payment, by=fund.si, decision_number="")
    reversal = payment_reverse(entry=payment, by=fund.si, decision_number="东社保冲〔2024〕2号")
    assert reversal.reverses == payment and reversal.kind == EntryKind.REVERSAL
    with pytest.raises(ValidationError, match="不能再次冲正"):
        payment_reverse(entry=payment, by=fund.si, decision_number="东社保冲〔2024〕3号")
    # The database itself: a second entry reversing the same payment breaks the unique constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger_post(
            kind=EntryKind.CLAWBACK, amount_fen=payment.amount_fen, idempotency_key="again",
            region_id=payment.region_id, year=2024, reverses=payment,
        )  # fmt: skip
    assert _verify().startswith("ledger ok: 4 entries")


def test_amounts_are_whole_positive_fen():
    fund = Fund()
    for bad, message in ((0, "必须大于0"), (-5, "不能为负数"), (12.5, "不能小于一分")):
        with pytest.raises(ValidationError, match=message):
            ledger_post(
                kind=EntryKind.PAYMENT, amount_fen=bad, idempotency_key=f"k{bad}", region=fund.region, year=2024
            )
    assert LedgerEntry.objects.count() == 1  # the reservation only


def test_budget_cap_is_three_percent_unless_approved():
    fund = Fund(budget=False)
    with pytest.raises(ValidationError, match="须登记省级人力资源社会保障和财政部门的批准文号及日期"):
        budget_set(region=fund.region, year=2025, contribution_income_fen=10**9, share_bp=400, by=fund.hr)
    with pytest.raises(ValidationError, match="不能为负数"):
        budget_set(region=fund.region, year=2025, contribution_income_fen=-1, share_bp=300, by=fund.hr)
    with pytest.raises(ValidationError, match="不能小于一分"):
        budget_set(region=fund.region, year=2025, contribution_income_fen=0.5, share_bp=300, by=fund.hr)
    assert not Budget.objects.exists()
    b = budget_set(
        region=fund.region, year=2025, contribution_income_fen=10**9, share_bp=400, by=fund.hr,
        approval_number="鲁人社字〔2025〕8号", approval_date=datetime.date(2025, 1, 10),
    )  # fmt: skip
    assert b.cap_fen == 40_000_000 and b.approval_number == "鲁人社字〔2025〕8号"
    b = budget_set(region=fund.region, year=2024, contribution_income_fen=100_000_00, share_bp=300, by=fund.hr)
    assert b.cap_fen == 300_000  # 3 % of 100,000.00 yuan = 3,000.00 yuan


def test_contract_over_the_cap_is_refused_with_the_figures():
    fund = Fund(budget=False, planned=10)  # 10 × 1,200.00 = 12,000.00 yuan
    budget_set(region=fund.region, year=2024, contribution_income_fen=30_000_000, share_bp=300, by=fund.hr)  # 9,000.00
    with pytest.raises(ValidationError) as exc:
        fund.enter_terms()
    assert "超出预算上限：上限 9,000.00 元，已预留 0.00 元，本合同 12,000.00 元" in str(exc.value)
    assert not ContractTerms.objects.exists() and not LedgerEntry.objects.exists()
    assert Budget.objects.get().reserved_fen == 0


def test_contract_reserves_against_the_budget_of_its_year():
    fund = Fund(planned=10)
    budget = Budget.objects.get()
    assert budget.reserved_fen == 1_200_000
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_fen, entry.budget, entry.contract) == (
        EntryKind.RESERVATION, 1_200_000, budget, fund.terms,
    )  # fmt: skip


def test_low_price_must_be_acknowledged_and_the_acknowledgement_is_recorded():
    from funding.models import FundRule

    fund = Fund(budget=False)
    FundRule.objects.create(
        region=fund.region, effective_from=datetime.date(2020, 1, 1), cost_benchmark_fen_per_hour=6000
    )
    budget_set(region=fund.region, year=2024, contribution_income_fen=10**10, share_bp=300, by=fund.hr)
    with pytest.raises(ValidationError, match="每学时 50.00 元，低于本地区成本基准 60.00 元"):
        fund.enter_terms()  # 1,200.00 / 24 h = 50.00 < 60.00
    terms = fund.enter_terms(acknowledge_low_price=True)
    assert terms.low_price and terms.low_price_acknowledged_by == fund.hr and terms.low_price_acknowledged_at
    assert "严防低价竞争" in terms.low_price_note
    assert PC and Price
