"""Claims: who is claimable and why not, the fraudulent paths that can never be paid, maker-checker, payment once."""

import pytest
from django.core.exceptions import ValidationError

from exams.models import Certificate, CertificateStatus
from funding.models import BatchEvent, BatchStatus, Claim, ClaimStatus, EntryKind, FraudCase, LedgerEntry
from funding.rules import CONFIRMED_FLAG, NOT_PASSED, OPEN_FLAG, REVOKED
from funding.selectors import claimability
from funding.services.claims import batch_approve, batch_pay, batch_review, batch_submit, claim_reject
from funding.services.clawback import clawback_confirmed_proxies, fraud_case_decide
from tests.factories import ProviderFactory, staff_user
from tests.funding.support import FEE, ONLINE_FEE, Fund, flag
from training.models import Enrollment
from training.roles import Role

pytestmark = pytest.mark.django_db


def _reasons(fund):
    return {r.enrollment.pk: r.reasons for r in claimability(fund.project)}


def test_each_trainee_is_claimable_or_says_exactly_why():
    fund = Fund()
    ok = fund.enrol()
    failed = fund.enrol(passed=False)
    incomplete = fund.enrol(complete=False, passed=False)
    open_flag = fund.enrol()
    flag(open_flag)
    reasons = _reasons(fund)
    assert reasons[ok.pk] == []
    assert reasons[failed.pk] == [NOT_PASSED]
    assert reasons[incomplete.pk][0].startswith("培训未完成：总学时 0/24") and NOT_PASSED in reasons[incomplete.pk]
    assert reasons[open_flag.pk] == [OPEN_FLAG]
    rows = {r.enrollment.pk: r for r in claimability(fund.project)}
    assert rows[ok.pk].amount_fen == FEE - ONLINE_FEE  # online part unpaid: no tender recorded


def test_online_part_is_paid_only_after_hr_records_the_tender():
    from funding.services.budgets import online_tender_record

    fund = Fund()
    e = fund.enrol()
    online_tender_record(terms=fund.terms, document="招标文件〔2024〕3号", by=fund.hr)
    assert claimability(fund.project)[0].amount_fen == FEE
    assert e.pk


def test_confirmed_proxy_cannot_be_claimed_and_its_certificate_is_revoked():
    fund = Fund()
    e = fund.enrol()
    flag(e, confirm=True)
    assert _reasons(fund)[e.pk] == [REVOKED, CONFIRMED_FLAG]
    with pytest.raises(ValidationError) as exc:
        batch_submit(terms=fund.terms, enrollment_ids=[e.pk], by=fund.staff)
    assert "代学已确认" in str(exc.value) and not Claim.objects.exists()


def test_open_flag_cannot_be_claimed():
    fund = Fund()
    e = fund.enrol()
    flag(e)
    with pytest.raises(ValidationError) as exc:
        batch_submit(terms=fund.terms, enrollment_ids=[e.pk], by=fund.staff)
    assert OPEN_FLAG in str(exc.value) and not Claim.objects.exists()


def test_failed_trainee_cannot_be_claimed_and_nothing_is_written():
    fund = Fund()
    good, failed = fund.enrol(), fund.enrol(passed=False)
    with pytest.raises(ValidationError) as exc:
        batch_submit(terms=fund.terms, enrollment_ids=[good.pk, failed.pk], by=fund.staff)
    assert NOT_PASSED in str(exc.value) and "整批未提交" in str(exc.value)
    assert not Claim.objects.exists() and not BatchEvent.objects.exists()


def test_unknown_trainee_is_refused():
    fund = Fund()
    fund.enrol()
    with pytest.raises(ValidationError, match="未知学员"):
        batch_submit(terms=fund.terms, enrollment_ids=[999999], by=fund.staff)


def test_a_person_is_paid_once_across_providers():
    fund_a = Fund()
    e = fund_a.enrol()
    fund_a.accept()
    fund_a.paid_batch([e])
    # The same person later on another provider's project (the first one finished).
    Enrollment.objects.filter(pk=e.pk).update(status="completed")  # no service ends an enrolment yet
    fund_b = Fund(region=fund_a.region, provider=ProviderFactory(region=fund_a.region))
    e2 = fund_b.enrol(trainee=e.trainee)
    assert _reasons(fund_b)[e2.pk] == [f"已由{fund_a.project.provider.name}申领（全项目每人只能支付一次）"]
    with pytest.raises(ValidationError, match="全项目每人只能支付一次"):
        batch_submit(terms=fund_b.terms, enrollment_ids=[e2.pk], by=fund_b.staff)


def test_maker_checker_and_every_step_recorded():
    fund = Fund()
    a, b = fund.enrol(), fund.enrol()
    batch = batch_submit(terms=fund.terms, enrollment_ids=[a.pk, b.pk], by=fund.staff)
    with pytest.raises(ValidationError, match="无权"):
        batch_approve(batch=batch, by=fund.staff)  # the provider cannot approve
    with pytest.raises(ValidationError, match="无权"):
        batch_review(batch=batch, by=fund.si)  # wrong role
    line_b = batch.claims.get(enrollment=b)
    with pytest.raises(ValidationError, match="驳回原因"):
        claim_reject(claim=line_b, by=fund.hr, reason=" ")
    claim_reject(claim=line_b, by=fund.hr, reason="签到记录与照片不符")
    batch_review(batch=batch, by=fund.hr, reason="抽查无误")
    with pytest.raises(ValidationError, match="无权"):
        batch_approve(batch=batch, by=fund.hr)  # the reviewer's role cannot approve
    approved = batch_approve(batch=batch, by=fund.si, reason="同意")
    assert approved.status == BatchStatus.APPROVED
    steps = list(BatchEvent.objects.filter(batch=batch).values_list("to_status", "by", "reason"))
    assert steps == [
        ("submitted", fund.staff.pk, "2 人"),
        ("rejected", fund.hr.pk, "签到记录与照片不符"),
        ("reviewed", fund.hr.pk, "抽查无误"),
        ("approved", fund.si.pk, "同意"),
    ]


def test_superuser_who_submitted_or_reviewed_cannot_approve():
    from training.models import User

    fund = Fund()
    e = fund.enrol()
    boss = User.objects.create_superuser("boss", password="x-Pass-2024")
    batch = batch_submit(terms=fund.terms, enrollment_ids=[e.pk], by=boss)
    with pytest.raises(ValidationError, match="提交人不能审核"):
        batch_review(batch=batch, by=boss)
    batch_review(batch=batch, by=fund.hr)
    with pytest.raises(ValidationError, match="提交人或审核人不能审批"):
        batch_approve(batch=batch, by=boss)
    boss2 = User.objects.create_superuser("boss2", password="x-Pass-2024")
    batch2 = batch_submit(terms=fund.terms, enrollment_ids=[fund.enrol().pk], by=fund.staff)
    batch_review(batch=batch2, by=boss2)
    with pytest.raises(ValidationError, match="提交人或审核人不能审批"):
        batch_approve(batch=batch2, by=boss2)


def test_approval_by_an_officer_of_another_region_is_refused():
    from tests.factories import region_tree

    fund = Fund()
    e = fund.enrol()
    batch = batch_submit(terms=fund.terms, enrollment_ids=[e.pk], by=fund.staff)
    batch_review(batch=batch, by=fund.hr)
    elsewhere = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))[1]
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        batch_approve(batch=batch, by=staff_user(Role.SI_OFFICER, region=elsewhere))


def _approved(fund, *enrollments):
    batch = batch_submit(terms=fund.terms, enrollment_ids=[e.pk for e in enrollments], by=fund.staff)
    batch_review(batch=batch, by=fund.hr)
    return batch_approve(batch=batch, by=fund.si)


def test_final_payment_needs_acceptance_and_advance_share_may_be_paid_before():
    fund = Fund(planned=4, advance_bp=5000)  # 4 × 1,200 reserved; 50 % before acceptance
    e1, e2, e3 = fund.enrol(), fund.enrol(), fund.enrol()
    batch = _approved(fund, e1, e2)  # 2 × 1,000 = 2,000 ≤ 2,400 advance share
    batch_pay(batch=batch, by=fund.si, idempotency_key="A1", amount_fen=200_000)
    batch2 = _approved(fund, e3)
    with pytest.raises(ValidationError, match="项目尚未验收"):
        batch_pay(batch=batch2, by=fund.si, idempotency_key="A2", amount_fen=100_000)
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 2
    fund.accept()
    batch_pay(batch=batch2, by=fund.si, idempotency_key="A2", amount_fen=100_000)
    fund.terms.refresh_from_db()
    assert fund.terms.paid_fen == 300_000
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, acceptance__isnull=False).count() == 1


def test_payment_is_once_and_idempotent_by_key():
    fund = Fund()
    fund.accept()
    e = fund.enrol()
    batch = _approved(fund, e)
    first = batch_pay(batch=batch, by=fund.si, idempotency_key="PAY-1", amount_fen=100_000)
    again = batch_pay(batch=batch, by=fund.si, idempotency_key="PAY-1", amount_fen=100_000)
    assert again.pk == first.pk and LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    with pytest.raises(ValidationError, match="内容不同"):
        batch_pay(batch=batch, by=fund.si, idempotency_key="PAY-1", amount_fen=99_999)
    with pytest.raises(ValidationError, match="已支付，不能重复支付"):
        batch_pay(batch=batch, by=fund.si, idempotency_key="PAY-2", amount_fen=100_000)
    with pytest.raises(ValidationError, match="不能小于一分"):
        batch_pay(batch=batch, by=fund.si, idempotency_key="PAY-3", amount_fen=100.5)
    with pytest.raises(ValidationError, match="不能为负数"):
        batch_pay(batch=batch, by=fund.si, idempotency_key="PAY-4", amount_fen=-1)
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


def test_a_flag_raised_after_approval_stops_the_payment():
    fund = Fund()
    fund.accept()
    e = fund.enrol()
    batch = _approved(fund, e)
    flag(e)
    with pytest.raises(ValidationError, match=OPEN_FLAG):
        batch_pay(batch=batch, by=fund.si, idempotency_key="X", amount_fen=100_000)
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_proxy_confirmed_after_payment_is_clawed_back_once_with_a_fraud_case():
    fund = Fund()
    fund.accept()
    e, other = fund.enrol(), fund.enrol()
    fund.paid_batch([e, other])
    flag(e, confirm=True)  # proctoring's hook claws back at once
    payment = LedgerEntry.objects.get(kind=EntryKind.PAYMENT, claim__enrollment=e)
    clawback = LedgerEntry.objects.get(kind=EntryKind.CLAWBACK)
    assert clawback.reverses == payment and clawback.amount_fen == payment.amount_fen == 100_000
    assert Claim.objects.get(enrollment=e).status == ClaimStatus.CLAWED_BACK
    assert Certificate.objects.get(enrollment=e).status == CertificateStatus.REVOKED
    case = FraudCase.objects.get()
    assert case.amount_fen == 100_000 and case.provider == fund.project.provider
    assert clawback_confirmed_proxies() == []  # the periodic sweep finds nothing more: idempotent
    assert LedgerEntry.objects.filter(kind=EntryKind.CLAWBACK).count() == 1
    fund.terms.refresh_from_db()
    assert fund.terms.paid_fen == 100_000
    with pytest.raises(ValidationError, match="2 至 5 倍"):
        fraud_case_decide(case=case, by=fund.si, fine_times="1.5", decision_number="东人社罚〔2024〕1号")
    case = fraud_case_decide(case=case, by=fund.si, fine_times="3", decision_number="东人社罚〔2024〕1号")
    assert case.fine_fen == 300_000 and case.decision_number == "东人社罚〔2024〕1号"
    fund.terms.refresh_from_db()
    assert fund.terms.status == "cancelled" and "第八十七条" in fund.terms.cancelled_reason
    with pytest.raises(ValidationError, match="服务合同已解除"):
        batch_submit(terms=fund.terms, enrollment_ids=[fund.enrol().pk], by=fund.staff)


def test_periodic_sweep_claws_back_a_flag_confirmed_without_the_hook(monkeypatch):
    from proctoring.services import flags as flag_services

    monkeypatch.setattr(
        flag_services,
        "CONFIRMED_HOOKS",
        [h for h in flag_services.CONFIRMED_HOOKS if h.__module__ != "funding.services.clawback"],
    )
    fund = Fund()
    fund.accept()
    e = fund.enrol()
    fund.paid_batch([e])
    flag(e, confirm=True)
    assert not LedgerEntry.objects.filter(kind=EntryKind.CLAWBACK).exists()
    from funding.tasks import clawback_confirmed_proxies_task

    assert clawback_confirmed_proxies_task() == 1
    assert clawback_confirmed_proxies_task() == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.CLAWBACK).count() == 1


def test_rejected_line_is_not_paid_and_frees_the_person():
    fund = Fund()
    fund.accept()
    a, b = fund.enrol(), fund.enrol()
    batch = batch_submit(terms=fund.terms, enrollment_ids=[a.pk, b.pk], by=fund.staff)
    claim_reject(claim=batch.claims.get(enrollment=b), by=fund.hr, reason="材料不全")
    batch_review(batch=batch, by=fund.hr)
    batch_approve(batch=batch, by=fund.si)
    batch_pay(batch=batch, by=fund.si, idempotency_key="R", amount_fen=100_000)
    assert list(LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).values_list("claim__enrollment", flat=True)) == [
        a.pk
    ]
    assert _reasons(fund)[b.pk] == []
