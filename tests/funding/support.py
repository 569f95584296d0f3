"""Fund test data built through the real services: a budget, a contract with prices, complete and passed trainees,
flags and claim batches."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from funding.services.budgets import Price, budget_set, contract_terms_enter
from tests.factories import staff_user
from tests.training import builders
from training.models import PersonnelClass
from training.roles import Role
from training.services.classes import attendance_record
from training.services.enrollments import enrollment_create
from training.services.hours import hours_credit_online
from training.services.projects import contract_save

PC = PersonnelClass.SAFETY_MANAGER
_seq = itertools.count(1)
FEE = 120_000  # 1,200.00 yuan per trainee
ONLINE_FEE = 20_000


class Fund:
    """A region's budget, a project with a plan, a class, a signed contract with fund terms, and its officers."""

    def __init__(
        self, *, region=None, provider=None, planned=10, advance_bp=0, fee=FEE, cap_income=10**10, budget=True
    ):
        self.project = builders.project(region=region, provider=provider)
        self.region = self.project.region
        self.hr = staff_user(Role.HR_OFFICER, region=self.region)
        self.si = staff_user(Role.SI_OFFICER, region=self.region)
        self.si2 = staff_user(Role.SI_OFFICER, region=self.region)
        self.staff = builders.provider_staff(self.project)
        self.plan = builders.plan(self.project, PC, online="9.6", theory="14.4")
        self.oc = builders.offline_class(self.project, PC, capacity=80)
        first = datetime.date(2024, 4, 1) + datetime.timedelta(days=7 * (next(_seq) % 30))  # no overlap across funds
        self.sessions = [
            builders.session(self.oc, day=first + datetime.timedelta(days=i), hours=h)
            for i, h in enumerate(["3", "3", "3", "3", "2.4"])
        ]
        if budget:
            self.budget = budget_set(
                region=self.region, year=2024, contribution_income_fen=cap_income, share_bp=300, by=self.hr
            )
        self.contract = contract_save(
            project=self.project, by=self.hr, number=f"HT-{next(_seq)}", trainees_class2=planned, method="线上+线下",
            content="三类人员培训", start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 12, 31),
            performance_targets="合格率90%", fee_class1=0, fee_class2=Decimal(fee) / 100, fee_class3=0,
            responsibilities="按合同", signed_at=datetime.date(2024, 3, 1),
        )  # fmt: skip
        self.terms = None
        self.fee = fee
        self.advance_bp = advance_bp
        if budget:
            self.enter_terms()

    def enter_terms(self, **kwargs):
        prices = [Price(PC, self.fee, ONLINE_FEE, Decimal("24"))]
        self.terms = contract_terms_enter(
            contract=self.contract, prices=prices, advance_bp=self.advance_bp, by=self.hr, **kwargs
        )
        return self.terms

    def enrol(self, *, complete=True, passed=True, trainee=None):
        trainee = trainee or builders.trainee(PC)
        enrollment = enrollment_create(project=self.project, trainee=trainee, offline_class=self.oc)
        if complete:
            self.complete(enrollment)
        if passed:
            pass_exam(enrollment)
        return enrollment

    def complete(self, enrollment):
        for course in self.plan.courses.filter(modality="online"):
            hours_credit_online(
                enrollment=enrollment,
                course=course,
                minutes=course.hours * 60,
                source=f"t:{course.pk}:{enrollment.pk}",
            )
        for s in self.sessions:
            attendance_record(
                session=s, enrollment=enrollment, recorded_by=self.staff,
                signed_in_at=timezone.make_aware(datetime.datetime.combine(s.date, s.start)),
                signed_out_at=timezone.make_aware(datetime.datetime.combine(s.date, s.end)),
                reason="签到设备故障，工作人员手工录入",
            )  # fmt: skip

    def accept(self, on=datetime.date(2024, 12, 20)):
        from funding.services.budgets import acceptance_record

        auditor = staff_user(Role.AUDITOR)
        self.project.auditors.add(auditor)
        return acceptance_record(
            terms=self.terms, kind="third_party", accepted_on=on, document="验收报告〔2024〕1号", by=auditor
        )

    def paid_batch(self, enrollments, key=None):
        from funding.services.claims import batch_approve, batch_pay, batch_review, batch_submit

        batch = batch_submit(terms=self.terms, enrollment_ids=[e.pk for e in enrollments], by=self.staff)
        batch_review(batch=batch, by=self.hr)
        batch_approve(batch=batch, by=self.si)
        total = sum(c.amount_fen for c in batch.claims.all())
        return batch_pay(batch=batch, by=self.si, idempotency_key=key or f"K-{batch.pk}", amount_fen=total)


def pass_exam(enrollment, score=90):
    from exams.services.certificates import certificate_issue
    from exams.services.sittings import ensure_exam_national_default

    ensure_exam_national_default()
    return certificate_issue(enrollment=enrollment, score=score, on=datetime.date(2024, 11, 1))


def flag(enrollment, *, confirm=None, reviewer=None):
    """A proxy incident on the trainee (proctoring's own service), reviewed when `confirm` is given."""
    from proctoring.services.flags import flag_raise_exam, flag_review

    f = flag_raise_exam(enrollment_id=enrollment.pk, exam_ref=f"exam-attempt:{enrollment.pk}", note="他人代考")
    if confirm is not None:
        reviewer = reviewer or staff_user(Role.HR_OFFICER, region=enrollment.project.region)
        f = flag_review(flag=f, reviewer=reviewer, confirm=confirm, reason="监控录像确认他人代考")
    return f
