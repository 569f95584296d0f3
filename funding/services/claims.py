"""Claim batches with maker-checker approval and idempotent payment (SPEC 'Money'; 13号 art. 6).

A provider submits a batch → HR of the region reviews it (may reject lines, each with a reason) → the social
insurance agency approves it → the agency records the payment, once. Nobody approves a batch they submitted or
reviewed (here, and a check constraint). Every change is a BatchEvent: who, when, why.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding.models import (
    BatchEvent,
    BatchStatus,
    Claim,
    ClaimBatch,
    ClaimStatus,
    ContractStatus,
    ContractTerms,
    EntryKind,
    LedgerEntry,
)
from funding.rules import fen_error, stage_error
from funding.selectors import claimability
from funding.services.access import require
from funding.services.ledger import ledger_post_many
from training.models import Enrollment
from training.services.organisations import ACTION_CLAIM, provider_require_working


def _event(batch, by, to_status, reason="", claim=None, from_status=None):
    BatchEvent.objects.create(
        batch=batch, claim=claim, from_status=batch.status if from_status is None else from_status,
        to_status=to_status, by=by, reason=reason,
    )  # fmt: skip


def _refuse_lines(rows) -> None:
    lines = [
        f"{r.enrollment.trainee.name}（{r.enrollment.trainee.id_number[-4:]}）：{'；'.join(r.reasons)}" for r in rows
    ]
    raise ValidationError(["以下学员不符合申领条件，整批未提交："] + lines)


@transaction.atomic
def batch_submit(*, terms: ContractTerms, enrollment_ids: list[int], by) -> ClaimBatch:
    """The provider claims for trainees of its contract: every one must be claimable, else nothing is written.
    Two batches racing for one person: the partial unique constraint lets exactly one through."""
    project = terms.contract.project
    require(by, "funding.submit_claim", project, action="提交申领")
    provider_require_working(provider=project.provider, action=ACTION_CLAIM)  # suspended or removed: no claims
    ids = {int(i) for i in enrollment_ids}
    if not ids:
        raise ValidationError("申领：请至少选择一名学员")
    known = set(Enrollment.objects.filter(project=project, pk__in=ids).values_list("pk", flat=True))
    if ids - known:
        raise ValidationError(f"未知学员：{sorted(ids - known)} 不在本项目花名册中")
    terms = ContractTerms.objects.select_for_update().get(pk=terms.pk)
    if terms.status == ContractStatus.CANCELLED:
        raise ValidationError("服务合同已解除，不能申领")
    rows = claimability(project, enrollment_ids=ids)
    bad = [r for r in rows if not r.claimable]
    if bad:
        _refuse_lines(bad)
    batch = ClaimBatch.objects.create(terms=terms, provider=project.provider, submitted_by=by)
    claims = [
        Claim(batch=batch, trainee_id=r.enrollment.trainee_id, enrollment=r.enrollment,
              personnel_class=r.enrollment.trainee.personnel_class, amount_fen=r.amount_fen)
        for r in rows
    ]  # fmt: skip
    try:
        with transaction.atomic():
            Claim.objects.bulk_create(claims)
    except IntegrityError as exc:
        raise ValidationError("该学员已申领过工伤预防费（全项目只能支付一次），整批未提交") from exc
    _event(batch, by, BatchStatus.SUBMITTED, f"{len(claims)} 人", from_status="")
    return batch


def _locked(batch) -> ClaimBatch:
    return ClaimBatch.objects.select_for_update().get(pk=batch.pk)


@transaction.atomic
def claim_reject(*, claim: Claim, by, reason: str) -> Claim:
    """HR rejects one line of a batch under review, with a reason; the person may be claimed again later."""
    batch = _locked(claim.batch)
    require(by, "funding.review_batch", batch, action="驳回申领明细")
    if not reason.strip():
        raise ValidationError("驳回原因：必须填写")
    if batch.status != BatchStatus.SUBMITTED:
        raise ValidationError(f"该批次{batch.get_status_display()}，不能再驳回明细")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.SUBMITTED:
        raise ValidationError("该明细已处理")
    claim.status, claim.rejected_reason = ClaimStatus.REJECTED, reason.strip()
    claim.save(update_fields=["status", "rejected_reason"])
    _event(batch, by, ClaimStatus.REJECTED, reason.strip(), claim=claim, from_status=ClaimStatus.SUBMITTED)
    return claim


@transaction.atomic
def batch_review(*, batch: ClaimBatch, by, reason: str = "") -> ClaimBatch:
    """HR of the region has reviewed the batch (not the person who submitted it)."""
    batch = _locked(batch)
    require(by, "funding.review_batch", batch, action="审核申领批次")
    if batch.status != BatchStatus.SUBMITTED:
        raise ValidationError(f"该批次{batch.get_status_display()}，不能审核")
    if batch.submitted_by_id == by.pk:
        raise ValidationError("审核：提交人不能审核本人提交的批次")
    to = BatchStatus.REVIEWED if batch.claims.filter(status=ClaimStatus.SUBMITTED).exists() else BatchStatus.REJECTED
    _event(batch, by, to, reason.strip())
    batch.status, batch.reviewed_by = to, by
    batch.save(update_fields=["status", "reviewed_by"])
    return batch


@transaction.atomic
def batch_approve(*, batch: ClaimBatch, by, reason: str = "") -> ClaimBatch:
    """The social insurance agency approves: never the person who submitted or reviewed the batch."""
    batch = _locked(batch)
    require(by, "funding.approve_batch", batch, action="审批申领批次")
    if batch.status != BatchStatus.REVIEWED:
        raise ValidationError(f"该批次{batch.get_status_display()}，不能审批")
    if by.pk in (batch.submitted_by_id, batch.reviewed_by_id):
        raise ValidationError("审批：提交人或审核人不能审批同一批次（审核与审批分离）")
    _event(batch, by, BatchStatus.APPROVED, reason.strip())
    batch.status, batch.approved_by = BatchStatus.APPROVED, by
    batch.save(update_fields=["status", "approved_by"])
    return batch


def _digest(batch_pk: int, amount_fen: int) -> str:
    return hashlib.sha256(f"batch:{batch_pk}|amount:{amount_fen}".encode()).hexdigest()


@transaction.atomic
def batch_pay(*, batch: ClaimBatch, by, idempotency_key: str, amount_fen: int) -> ClaimBatch:
    """Record the payment of an approved batch: one ledger entry per line, drawn on the contract's reservation.
    Paid once. A retried request with the same key and content returns the first result; the same key with other
    content is refused. Lines whose trainee is no longer claimable (a flag raised since) stop the payment.
    Before acceptance only the advance share may be paid; the rest needs the recorded acceptance."""
    require(by, "funding.pay_batch", batch, action="支付")
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationError("支付请求幂等键：必须填写")
    error = fen_error(amount_fen, "支付金额")
    if error:
        raise ValidationError(error)
    digest = _digest(batch.pk, int(amount_fen))
    first = ClaimBatch.objects.filter(payment_key=key).first()
    if first is not None:
        if first.payment_digest == digest:
            return first
        raise ValidationError("该幂等键已用于另一笔内容不同的支付请求，拒绝执行")
    batch = _locked(batch)
    if batch.status == BatchStatus.PAID:
        raise ValidationError("该批次已支付，不能重复支付")
    if batch.status != BatchStatus.APPROVED:
        raise ValidationError(f"该批次{batch.get_status_display()}，不能支付")
    terms = (
        ContractTerms.objects.select_for_update().select_related("budget", "contract__project").get(pk=batch.terms_id)
    )
    lines = list(batch.claims.filter(status=ClaimStatus.SUBMITTED).select_related("enrollment__trainee"))
    total = sum(c.amount_fen for c in lines)
    if int(amount_fen) != total:
        raise ValidationError(f"支付金额与审批金额不符：审批 {total} 分，请求 {int(amount_fen)} 分")
    _still_claimable(terms, batch, lines)
    error = stage_error(
        amount_fen=terms.amount_fen, advance_bp=terms.advance_bp, paid_fen=terms.paid_fen, payment_fen=total,
        accepted=hasattr(terms, "acceptance"),
    )  # fmt: skip
    if error:
        raise ValidationError(error)
    _post_payments(terms, batch, lines, by)
    Claim.objects.filter(pk__in=[c.pk for c in lines]).update(status=ClaimStatus.PAID)
    terms.paid_fen += total
    terms.save(update_fields=["paid_fen"])
    _event(batch, by, BatchStatus.PAID, f"支付 {total} 分，幂等键 {key}")
    batch.status, batch.paid_by, batch.payment_key, batch.payment_digest, batch.paid_fen = (
        BatchStatus.PAID, by, key, digest, total,
    )  # fmt: skip
    batch.save(update_fields=["status", "paid_by", "payment_key", "payment_digest", "paid_fen"])
    return batch


def _still_claimable(terms, batch, lines) -> None:
    rows = claimability(terms.contract.project, enrollment_ids=[c.enrollment_id for c in lines], for_batch=batch)
    bad = [r for r in rows if not r.claimable]
    if bad:
        lines = [f"{r.enrollment.trainee.name}：{'；'.join(r.reasons)}" for r in bad]
        raise ValidationError(["以下学员已不符合支付条件，请人社部门驳回后再支付："] + lines)


def _post_payments(terms, batch, lines, by) -> None:
    project, now = terms.contract.project, timezone.now()
    ledger_post_many(
        [
            LedgerEntry(
                kind=EntryKind.PAYMENT,
                amount_fen=c.amount_fen,
                idempotency_key=f"pay:claim:{c.pk}",
                region=terms.budget.region,
                year=terms.budget.year,
                provider_id=batch.provider_id,
                project=project,
                budget=terms.budget,
                contract=terms,
                batch=batch,
                claim=c,
                created_by=by,
                created_at=now,
                acceptance=getattr(terms, "acceptance", None),
            )  # fmt: skip
            for c in lines
            if c.amount_fen > 0
        ]
    )
