"""Reads of the fund: rules in force, the budget of a project, claimability, the chain's verification."""

from __future__ import annotations

import datetime
import importlib.util
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone

from funding.models import (
    Acceptance,
    Budget,
    Claim,
    ClaimStatus,
    ContractStatus,
    ContractTerms,
    EntryKind,
    FundRule,
    LedgerEntry,
)
from funding.models.ledger import GENESIS
from funding.rules import claim_amount, claim_reasons, entry_digest, stage_error
from training.models import Enrollment, EnrollmentStatus
from training.scope import visible
from training.selectors.completion import progress_for_enrollments
from training.selectors.policy import in_force, region_chain

CHUNK = 5000
# funding sits on exams; until the exams app is in a checkout nobody has passed, so nobody is claimable.
EXAMS = importlib.util.find_spec("exams.models") is not None
_PASSED = ("exam_passed_on",) if hasattr(Enrollment, "exam_passed_on") else ()  # recorded by exams on the enrolment


def fund_rule_in_force(region, on_date: datetime.date | None = None) -> FundRule:
    """The fund rule in force for the region on `on_date` (training.selectors.policy.in_force), else the defaults
    of 13号 and the law (3 %, fine 2–5 times, no benchmark)."""
    on_date = on_date or timezone.localdate()
    rule = in_force(FundRule.objects.all(), region, on_date)
    if rule is None:
        return FundRule(region=None, effective_from=datetime.date(2017, 8, 1), source="人社部规〔2017〕13号（默认）")
    return rule


def budget_for(region, year: int) -> Budget | None:
    """The budget of the pooling area the region belongs to: the nearest region up the chain with a budget."""
    chain = region_chain(region)
    budgets = {b.region_id: b for b in Budget.objects.filter(region__in=[r.pk for r in chain], year=year)}
    for r in chain:
        if r.pk in budgets:
            return budgets[r.pk]
    return None


@dataclass
class Claimability:
    enrollment: Enrollment
    amount_fen: int
    reasons: list[str] = field(default_factory=list)

    @property
    def claimable(self) -> bool:
        return not self.reasons


def _proxy_flags(enrollments_q) -> dict[int, set[str]]:
    from proctoring.models import Flag, FlagKind, FlagStatus

    kinds = [FlagKind.PROXY] + ([FlagKind.EXAM] if hasattr(FlagKind, "EXAM") else [])
    rows = Flag.objects.filter(
        enrollment__in=enrollments_q, kind__in=kinds, status__in=[FlagStatus.OPEN, FlagStatus.CONFIRMED]
    ).values_list("enrollment_id", "status")
    found: dict[int, set[str]] = {}
    for enrollment_id, status in rows:
        found.setdefault(enrollment_id, set()).add(status)
    return found


def _revoked(enrollments_q) -> set[int]:
    if not EXAMS:
        return set()
    from exams.models import Certificate, CertificateStatus

    return set(
        Certificate.objects.filter(enrollment__in=enrollments_q, status=CertificateStatus.REVOKED).values_list(
            "enrollment_id", flat=True
        )
    )


def _claimed(enrollments_q, for_batch=None) -> dict[int, tuple[int, str]]:
    """Trainee → (enrollment claimed, provider name) of every claim that still counts (not rejected), apart from
    the lines of `for_batch` (the batch being paid)."""
    rows = Claim.objects.filter(trainee__in=enrollments_q.values("trainee")).exclude(status=ClaimStatus.REJECTED)
    if for_batch is not None:
        rows = rows.exclude(batch=for_batch)
    rows = rows.values_list("trainee_id", "enrollment_id", "batch__provider__name")
    return {t: (e, name) for t, e, name in rows}


def claimability(project, *, enrollment_ids=None, for_batch=None) -> list[Claimability]:
    """Whether each trainee of the project is claimable on its contract and, if not, exactly why. All must hold:
    training complete (training's completion selector), exam passed (the pass the exams app records on the
    enrolment), no proxy flag open or confirmed (proctoring), certificate not revoked (exams), not yet claimed
    anywhere in the program. A fixed number of queries per 5,000 trainees."""
    terms = ContractTerms.objects.filter(contract__project=project).prefetch_related("prices").first()
    prices = {p.personnel_class: p for p in terms.prices.all()} if terms else {}
    enrollments_q = Enrollment.objects.filter(project=project)
    if enrollment_ids is not None:
        enrollments_q = enrollments_q.filter(pk__in=list(enrollment_ids))
    flags, revoked, claimed = _proxy_flags(enrollments_q), _revoked(enrollments_q), _claimed(enrollments_q, for_batch)
    project = type(project).objects.select_related("region").get(pk=project.pk)
    enrollments = list(
        enrollments_q.select_related("trainee").only("pk", "status", "project_id", "trainee__personnel_class",
                                                      "trainee__name", "trainee__id_number", *_PASSED).order_by("pk")
    )  # fmt: skip
    for e in enrollments:
        e.project = project  # one project: no join and no model instance per row
    result = []
    for start in range(0, len(enrollments), CHUNK):
        for progress in progress_for_enrollments(enrollments[start : start + CHUNK]):
            e = progress.enrollment
            price = prices.get(e.trainee.personnel_class)
            amount = (
                claim_amount(
                    fee_fen=price.fee_fen, online_fee_fen=price.online_fee_fen, online_tendered=terms.online_tendered
                )
                if price
                else 0
            )
            previous = claimed.get(e.trainee_id)
            reasons = claim_reasons(
                has_terms=terms is not None,
                cancelled=bool(terms and terms.status == ContractStatus.CANCELLED),
                has_price=price is not None,
                withdrawn=e.status == EnrollmentStatus.WITHDRAWN,
                progress_reasons=progress.reasons,
                passed=getattr(e, "exam_passed_on", None) is not None,
                revoked=e.pk in revoked,
                flag_statuses=flags.get(e.pk, set()),
                claimed_here=previous is not None and previous[0] == e.pk,
                claimed_by=previous[1] if previous is not None and previous[0] != e.pk else None,
            )
            result.append(Claimability(e, amount, reasons))
    return result


@dataclass
class ChainReport:
    count: int
    head: str
    bad_entry: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_entry is None and not self.problem


def verify_chain(chunk_size: int = 20000) -> ChainReport:
    """Walk the ledger in order: each entry's prev_hash is the hash before it, and its hash is recomputed from its
    fields. The first entry that does not match is named."""
    from funding.models import LedgerHead
    from funding.services.ledger import HASHED, hashed_fields

    previous, count = GENESIS, 0
    rows = LedgerEntry.objects.order_by("pk").values_list("pk", "prev_hash", "hash", *HASHED)
    for pk, prev_hash, digest, *values in rows.iterator(chunk_size=chunk_size):
        if prev_hash != previous:
            return ChainReport(count, previous, pk, "上一条哈希不符（其前的记录被删除或改动）")
        if entry_digest(prev_hash, hashed_fields(tuple(values))) != digest:
            return ChainReport(count, previous, pk, "内容与哈希不符（记录被改动）")
        previous, count = digest, count + 1
    head = LedgerHead.objects.filter(pk=1).values_list("hash", "count").first()
    if head is not None and (head[0], head[1]) != (previous, count):
        return ChainReport(count, previous, None, f"链尾与记账头不符：记账头 {head[1]} 条 {head[0]}")
    return ChainReport(count, previous)


@dataclass
class BudgetRow:
    budget: Budget
    net_paid_fen: int

    @property
    def left_fen(self) -> int:
        return self.budget.cap_fen - self.budget.reserved_fen


def budgets_in_scope(user) -> list[BudgetRow]:
    """The budgets the user sees, each with its cap, reserved by contracts, paid net of reversals (ledger) and left
    to reserve."""
    budgets = list(visible(user, Budget.objects.select_related("region", "recorded_by")).order_by("-year", "region"))
    rows = (
        LedgerEntry.objects.filter(budget__in=[b.pk for b in budgets])
        .values("budget_id")
        .annotate(
            paid=Sum("amount_fen", filter=Q(kind=EntryKind.PAYMENT), default=0),
            back=Sum("amount_fen", filter=Q(kind__in=[EntryKind.REVERSAL, EntryKind.CLAWBACK]), default=0),
        )
        .order_by()
    )
    net = {r["budget_id"]: r["paid"] - r["back"] for r in rows}
    return [BudgetRow(b, net.get(b.pk, 0)) for b in budgets]


def payment_block(terms: ContractTerms, payment_fen: int) -> str | None:
    """Why a payment of `payment_fen` on the contract would be refused now (the same rule batch_pay applies): past
    the advance share before acceptance (验收), or past the reservation. None when it may be paid."""
    return stage_error(
        amount_fen=terms.amount_fen, advance_bp=terms.advance_bp, paid_fen=terms.paid_fen, payment_fen=payment_fen,
        accepted=Acceptance.objects.filter(terms=terms).exists(),
    )  # fmt: skip
