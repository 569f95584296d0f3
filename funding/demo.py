"""Demo step of the fund (run by load_demo after exams): a budget for Dongying 2024, the fund terms of
DEMO-DONGYING-2024 with prices, one paid batch, one batch under review, and a claw-back after a confirmed proxy.
Everything goes through the services; running it again changes nothing."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from funding.models import Budget, ClaimBatch, ContractTerms
from funding.selectors import EXAMS, claimability
from funding.services.budgets import Price, budget_set, contract_terms_enter, online_tender_record
from funding.services.claims import batch_approve, batch_pay, batch_review, batch_submit
from training.models import Region, ServiceContract, TrainingProject, User
from training.roles import roles_with
from training.services import people

PROJECT = "DEMO-DONGYING-2024"
INCOME_FEN = 86_000_000_000  # 上年度工伤保险基金征缴收入 8.6 亿元 (illustrative)
PRICES = [  # class, fee, of which online, hours per trainee
    Price(1, 120_000, 20_000, Decimal("24")),
    Price(2, 100_000, 20_000, Decimal("24")),
    Price(3, 90_000, 15_000, Decimal("48")),
]


def _user(username: str, permission: str, **binding) -> User:
    """The demo account `demo_accounts` prints (it sets the printed password), created here if missing with the one
    role that holds `permission` in the table of training/roles.py."""
    (role,) = roles_with(permission)
    return User.objects.filter(username=username).first() or people.staff_user_create(
        username=username, password=secrets.token_urlsafe(16), role=role, **binding
    )


def _pass(enrollments, log) -> None:
    """Trainees complete but not examined pass the unified exam (as an imported result would)."""
    from exams.services.certificates import certificate_issue

    for e in enrollments:
        certificate_issue(enrollment=e, score=86, on=datetime.date(2024, 11, 8))
    if enrollments:
        log(f"   统考合格 {len(enrollments)} 人")


def _ready(project, want: int, log) -> list:
    rows = claimability(project)
    ready = [r.enrollment for r in rows if r.claimable]
    if len(ready) < want:
        waiting = [r.enrollment for r in rows if r.reasons == ["考试未通过"]]
        _pass(waiting[: want - len(ready)], log)
        ready = [r.enrollment for r in claimability(project) if r.claimable]
    return ready


def load(log=print) -> None:
    if not EXAMS:
        log("   考试模块尚未就绪，跳过工伤预防费")
        return
    project = TrainingProject.objects.filter(code=PROJECT).select_related("region", "provider").first()
    contract = ServiceContract.objects.filter(project=project).first() if project else None
    if contract is None:
        log("   未找到演示项目或其服务合同，跳过工伤预防费")
        return
    dongying = Region.objects.get(code="370500")
    hr = _user("hr_dongying", "funding.review_batch", region=dongying)
    si = _user("si_dongying", "funding.pay_batch", region=dongying)
    staff = _user("provider_dongying", "funding.submit_claim", provider=project.provider)
    if not Budget.objects.filter(region=dongying, year=2024).exists():
        budget_set(region=dongying, year=2024, contribution_income_fen=INCOME_FEN, share_bp=300, by=hr)
    terms = ContractTerms.objects.filter(contract=contract).first()
    if terms is None:
        terms = contract_terms_enter(contract=contract, prices=PRICES, advance_bp=3000, by=hr)
        terms = online_tender_record(terms=terms, document="东营市政府采购 DYCG-2024-031 中标通知书", by=hr)
    if not ClaimBatch.objects.filter(terms=terms).exists():
        ready = _ready(project, 4, log)
        if len(ready) < 4:
            log(f"   可申领学员不足（{len(ready)} 人），跳过申领批次")
            return
        paid = batch_submit(terms=terms, enrollment_ids=[e.pk for e in ready[:3]], by=staff)
        batch_review(batch=paid, by=hr, reason="抽查考勤与抓拍记录无误")
        batch_approve(batch=paid, by=si, reason="同意支付")
        total = sum(c.amount_fen for c in paid.claims.all())
        batch_pay(batch=paid, by=si, idempotency_key="DEMO-DONGYING-2024-PAY-1", amount_fen=total)
        batch_submit(terms=terms, enrollment_ids=[ready[3].pk], by=staff)  # waits for HR's review
        _clawback(ready[2], hr)
    log(f"   预算、合同资金条款、申领批次 {ClaimBatch.objects.filter(terms=terms).count()} 个已就绪")


def _clawback(enrollment, reviewer) -> None:
    """A proxy exam confirmed after payment: proctoring's review calls the fund's hook, which claws back."""
    from proctoring.services.flags import flag_raise_exam, flag_review

    flag = flag_raise_exam(enrollment_id=enrollment.pk, exam_ref="demo:proxy", note="监考录像显示他人代考")
    flag_review(flag=flag, reviewer=reviewer, confirm=True, reason="比对监考录像与身份证照片，确认他人代考")
