"""Reversals and claw-backs: never an edit, always a new entry that points at the one it reverses.

A proxy flag confirmed after payment (SPEC 三(三), 社会保险法 art. 87): the payment is clawed back (owed by the
provider), the certificate revoked, and a fraud case opened; its decision records the repayment and the fine of
2–5 times, and cancels the service contract.

How the claw-back is triggered without proctoring knowing funding (proctoring never imports a higher app):
1. `clawback_confirmed_proxies()` finds, in one query, every paid claim whose enrolment now has a confirmed proxy
   (or exam) flag, and claws each back idempotently. The Celery task `funding.tasks.clawback_confirmed_proxies_task`
   runs it on a beat schedule (CELERY_BEAT_SCHEDULE["fund-clawback"]) and the command `fund_clawback` on demand.
2. Immediately, where proctoring offers the registry `proctoring.services.flags.CONFIRMED_HOOKS`: FundingConfig.ready()
   adds `clawback_on_confirmed_flag`, which proctoring calls with the flag when a reviewer confirms it.
Both go through `clawback_claim`, which does nothing to a claim already clawed back (and the unique `reverses`
field would refuse a second reversal anyway).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from funding.models import (
    Claim,
    ClaimStatus,
    ContractStatus,
    ContractTerms,
    EntryKind,
    FraudCase,
    LedgerEntry,
)
from funding.rules import fine_error
from funding.selectors import EXAMS, fund_rule_in_force
from funding.services.access import require
from funding.services.ledger import ledger_post


def _proxy_kinds():
    from proctoring.models import FlagKind

    return [FlagKind.PROXY] + ([FlagKind.EXAM] if hasattr(FlagKind, "EXAM") else [])


def paid_claims_with_confirmed_proxy(enrollment_id: int | None = None):
    """Paid claims whose trainee now has a confirmed proxy flag (one query)."""
    from proctoring.models import Flag, FlagStatus

    confirmed = Flag.objects.filter(
        enrollment=OuterRef("enrollment"), kind__in=_proxy_kinds(), status=FlagStatus.CONFIRMED
    )
    claims = Claim.objects.filter(Exists(confirmed), status=ClaimStatus.PAID)
    if enrollment_id is not None:
        claims = claims.filter(enrollment_id=enrollment_id)
    return claims


def clawback_confirmed_proxies(enrollment_id: int | None = None) -> list[FraudCase]:
    cases = []
    for claim in paid_claims_with_confirmed_proxy(enrollment_id):
        case = clawback_claim(claim=claim, evidence="代学经审核确认（支付后发现）")
        if case is not None:
            cases.append(case)
    return cases


def clawback_on_confirmed_flag(flag) -> None:
    """Registered in proctoring's CONFIRMED_HOOKS: a confirmed flag claws back at once."""
    clawback_confirmed_proxies(enrollment_id=flag.enrollment_id)


def _reversal(entry: LedgerEntry, kind: str, by=None, decision_number: str = "") -> LedgerEntry:
    return ledger_post(
        kind=kind, amount_fen=entry.amount_fen, idempotency_key=f"{kind}:entry:{entry.pk}", region_id=entry.region_id,
        year=entry.year, provider_id=entry.provider_id, project_id=entry.project_id, budget_id=entry.budget_id,
        contract_id=entry.contract_id, batch_id=entry.batch_id, claim_id=entry.claim_id, reverses=entry,
        created_by=by, decision_number=decision_number,
    )  # fmt: skip


@transaction.atomic
def clawback_claim(*, claim: Claim, evidence: str) -> FraudCase | None:
    """Claw back a paid claim: a claw-back entry reversing its payment, the certificate revoked, a fraud case."""
    claim = Claim.objects.select_for_update().select_related("batch").get(pk=claim.pk)
    if claim.status != ClaimStatus.PAID:
        return None
    payment = LedgerEntry.objects.filter(claim=claim, kind=EntryKind.PAYMENT).first()
    terms = ContractTerms.objects.select_for_update().get(pk=claim.batch.terms_id)
    if payment is not None:
        _reversal(payment, EntryKind.CLAWBACK)
        terms.paid_fen -= payment.amount_fen
        terms.save(update_fields=["paid_fen"])
    claim.status = ClaimStatus.CLAWED_BACK
    claim.save(update_fields=["status"])
    _revoke_certificate(claim.enrollment_id)
    return FraudCase.objects.create(
        claim=claim, provider_id=claim.batch.provider_id, amount_fen=claim.amount_fen, evidence=evidence
    )


def _revoke_certificate(enrollment_id: int) -> None:
    if not EXAMS:
        return
    from exams.services.certificates import revoke_for_confirmed_proxy

    revoke_for_confirmed_proxy(enrollment_id=enrollment_id, reason="代学经审核确认，工伤预防费已追回")


@transaction.atomic
def payment_reverse(*, entry: LedgerEntry, by, decision_number: str) -> LedgerEntry:
    """Reverse a payment made in error (a correcting entry, never an edit); the line is rejected with the reason."""
    entry = LedgerEntry.objects.select_related("claim__batch").get(pk=entry.pk)
    require(by, "funding.pay_batch", entry, action="冲正")
    if entry.kind != EntryKind.PAYMENT:
        raise ValidationError("冲正：只能冲正支付记录")
    if not decision_number.strip():
        raise ValidationError("冲正：须填写依据文号")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("冲正：该记录已被冲正或追回，不能再次冲正")
    reversal = _reversal(entry, EntryKind.REVERSAL, by, decision_number.strip())
    terms = ContractTerms.objects.select_for_update().get(pk=entry.contract_id)
    terms.paid_fen -= entry.amount_fen
    terms.save(update_fields=["paid_fen"])
    if entry.claim_id:
        Claim.objects.filter(pk=entry.claim_id).update(
            status=ClaimStatus.REJECTED, rejected_reason=f"支付冲正（{decision_number.strip()}）"
        )
    return reversal


@transaction.atomic
def fraud_case_decide(*, case: FraudCase, by, fine_times: Decimal, decision_number: str) -> FraudCase:
    """The decision (社会保险法 art. 87): repay the amount, a fine of 2–5 times it (the rule in force), the
    service contract cancelled."""
    case = (
        FraudCase.objects.select_for_update().select_related("claim__batch__terms__contract__project").get(pk=case.pk)
    )
    require(by, "funding.decide_fraud", case, action="骗取基金处理决定")
    if case.decided_at:
        raise ValidationError("该案件已作出处理决定")
    if not decision_number.strip():
        raise ValidationError("处理决定文号：必须填写")
    times = Decimal(str(fine_times))
    project = case.claim.batch.terms.contract.project
    rule = fund_rule_in_force(project.region)
    error = fine_error(times=times, min_times=rule.fine_min_times, max_times=rule.fine_max_times)
    if error or times * 10 != int(times * 10):
        raise ValidationError(error or "罚款倍数：最多一位小数")
    case.fine_times_tenths = int(times * 10)
    case.fine_fen = case.amount_fen * case.fine_times_tenths // 10
    case.decision_number, case.decided_by, case.decided_at = decision_number.strip(), by, timezone.now()
    case.save()
    terms = ContractTerms.objects.select_for_update().get(pk=case.claim.batch.terms_id)
    terms.status = ContractStatus.CANCELLED
    terms.cancelled_reason = f"骗取工伤预防费，处理决定 {case.decision_number}（社会保险法第八十七条）"
    terms.save(update_fields=["status", "cancelled_reason"])
    return case
