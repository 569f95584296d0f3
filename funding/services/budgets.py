"""Budgets per pooling area and year (13号 art. 5), contract terms and their reservation, tender and acceptance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from funding.models import Acceptance, Budget, ContractPrice, ContractTerms, EntryKind
from funding.rules import BP, cap_fen, fen_error, low_price_warning, over_cap_error, share_error
from funding.selectors import budget_for, fund_rule_in_force
from funding.services.access import require
from funding.services.ledger import ledger_post
from training.models import PersonnelClass, ServiceContract


def _money(value, label: str) -> int:
    error = fen_error(value, label)
    if error:
        raise ValidationError(error)
    return int(value)


@transaction.atomic
def budget_set(
    *, region, year: int, contribution_income_fen: int, share_bp: int, by, approval_number: str = "",
    approval_date: datetime.date | None = None,
) -> Budget:  # fmt: skip
    """HR records the pooling area's previous-year contribution income and the share; the cap follows. A share
    above the rule's (3 %) needs the provincial approval's number and date, else it is refused."""
    require(by, "funding.manage_budget", region, action="登记预算")
    income = _money(contribution_income_fen, "上年度征缴收入")
    rule = fund_rule_in_force(region, datetime.date(year, 1, 1))
    error = share_error(
        share_bp=share_bp, max_share_bp=rule.max_share_bp, approval_number=approval_number, approval_date=approval_date
    )
    if error:
        raise ValidationError(error)
    cap = cap_fen(income, share_bp)
    budget = Budget.objects.select_for_update().filter(region=region, year=year).first()
    if budget is not None and cap < budget.reserved_fen:
        raise ValidationError(f"新的上限低于已预留金额：已预留 {budget.reserved_fen} 分")
    values = dict(
        contribution_income_fen=income, share_bp=share_bp, cap_fen=cap, approval_number=approval_number.strip(),
        approval_date=approval_date if approval_number.strip() else None, recorded_by=by,
    )  # fmt: skip
    if budget is None:
        budget = Budget(region=region, year=year, **values)
    else:
        for name, value in values.items():
            setattr(budget, name, value)
    budget.full_clean()
    budget.save()
    return budget


@dataclass(frozen=True)
class Price:
    personnel_class: int
    fee_fen: int
    online_fee_fen: int
    hours: Decimal


def low_price_warnings(*, region, prices: list[Price], on_date=None) -> list[str]:
    """The warnings the reviewer must acknowledge (fee per hour below the region's cost benchmark)."""
    benchmark = fund_rule_in_force(region, on_date).cost_benchmark_fen_per_hour
    warnings = []
    for p in prices:
        label = PersonnelClass(p.personnel_class).label
        w = low_price_warning(fee_fen=p.fee_fen, hours=Decimal(p.hours), benchmark_fen_per_hour=benchmark, label=label)
        if w:
            warnings.append(w)
    return warnings


@transaction.atomic
def contract_terms_enter(
    *, contract: ServiceContract, prices: list[Price], advance_bp: int, by, acknowledge_low_price: bool = False,
    online_tender_document: str = "",
) -> ContractTerms:  # fmt: skip
    """Enter the fund terms of a signed contract and reserve its amount against the budget of its year, under a
    lock on the budget row. Over the cap: refused with the figures. A fee per hour below the benchmark is flagged;
    the reviewer must acknowledge it (recorded). With `online_tender_document` HR records at once that the online
    part was procured by tender (as online_tender_record does later)."""
    project = contract.project
    require(by, "funding.manage_contract_terms", project, action="登记合同资金条款")
    if ContractTerms.objects.filter(contract=contract).exists():
        raise ValidationError("该合同的资金条款已登记")
    if not (0 <= advance_bp <= BP):
        raise ValidationError("预付比例：须在0%至100%之间")
    by_class = {}
    for p in prices:
        _money(p.fee_fen, "每人费用")
        _money(p.online_fee_fen, "线上培训费用")
        if p.online_fee_fen > p.fee_fen:
            raise ValidationError("线上培训费用不能超过每人费用")
        if Decimal(p.hours) <= 0:
            raise ValidationError("每人学时：必须大于0")
        by_class[p.personnel_class] = p
    for pc in PersonnelClass:
        if contract.planned(pc) and pc not in by_class:
            raise ValidationError(f"缺少价格：{pc.label}（合同计划培训 {contract.planned(pc)} 人）")
    amount = sum(contract.planned(pc) * p.fee_fen for pc, p in by_class.items())
    warnings = low_price_warnings(region=project.region, prices=list(by_class.values()), on_date=contract.signed_at)
    if warnings and not acknowledge_low_price:
        raise ValidationError(["低价竞争预警，须审核人确认后方可登记："] + warnings)
    budget = budget_for(project.region, project.year)
    if budget is None:
        raise ValidationError(f"{project.region} {project.year} 年度尚未登记工伤预防费预算")
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    error = over_cap_error(cap=budget.cap_fen, reserved=budget.reserved_fen, amount=amount)
    if error:
        raise ValidationError(error)
    now, tender = timezone.now(), online_tender_document.strip()
    terms = ContractTerms.objects.create(
        contract=contract, budget=budget, amount_fen=amount, advance_bp=advance_bp, acceptance_bp=BP - advance_bp,
        low_price=bool(warnings), low_price_note="\n".join(warnings),
        low_price_acknowledged_by=by if warnings else None, low_price_acknowledged_at=now if warnings else None,
        entered_by=by, online_tendered=bool(tender), online_tender_document=tender,
        online_tender_by=by if tender else None, online_tender_at=now if tender else None,
    )  # fmt: skip
    ContractPrice.objects.bulk_create(
        [ContractPrice(terms=terms, personnel_class=pc, fee_fen=p.fee_fen, online_fee_fen=p.online_fee_fen,
                       hours=p.hours) for pc, p in by_class.items()]
    )  # fmt: skip
    budget.reserved_fen += amount
    budget.save(update_fields=["reserved_fen"])
    if amount:
        ledger_post(
            kind=EntryKind.RESERVATION, amount_fen=amount, idempotency_key=f"reserve:contract:{contract.pk}",
            region=budget.region, year=budget.year, provider=project.provider, project=project, budget=budget,
            contract=terms, created_by=by, decision_number=contract.number,
        )  # fmt: skip
    return terms


@transaction.atomic
def online_tender_record(*, terms: ContractTerms, document: str, by) -> ContractTerms:
    """HR records that the online training was procured by tender: only then is its part of a fee payable."""
    require(by, "funding.manage_contract_terms", terms.contract.project, action="登记线上培训招标采购")
    if not document.strip():
        raise ValidationError("招标采购文件：必须填写")
    terms = ContractTerms.objects.select_for_update().get(pk=terms.pk)
    terms.online_tendered, terms.online_tender_document = True, document.strip()
    terms.online_tender_by, terms.online_tender_at = by, timezone.now()
    terms.save()
    return terms


@transaction.atomic
def acceptance_record(*, terms: ContractTerms, kind: str, accepted_on: datetime.date, document: str, by) -> Acceptance:
    """验收 of the project by the third party or the experts, with its date and document."""
    require(by, "funding.record_acceptance", terms.contract.project, action="登记项目验收")
    if not document.strip():
        raise ValidationError("验收文件：必须填写")
    if Acceptance.objects.filter(terms=terms).exists():
        raise ValidationError("该项目已登记验收")
    acceptance = Acceptance(terms=terms, kind=kind, accepted_on=accepted_on, document=document.strip(), recorded_by=by)
    acceptance.full_clean()
    acceptance.save()
    return acceptance
