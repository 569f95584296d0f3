"""Claims per trainee, claim batches with maker-checker approval, and fraud cases (社会保险法 art. 87)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths


class BatchStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，待人社审核")
    REVIEWED = "reviewed", _("人社已审核，待经办机构审批")
    APPROVED = "approved", _("经办机构已审批，待支付")
    PAID = "paid", _("已支付")
    REJECTED = "rejected", _("已退回")


class ClaimBatch(models.Model):
    """A provider's request to be paid for trainees of one contract."""

    terms = models.ForeignKey(
        "funding.ContractTerms", verbose_name=_("合同"), on_delete=models.PROTECT, related_name="batches"
    )
    provider = models.ForeignKey(
        "training.Provider", verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment_key = models.CharField(_("支付请求幂等键"), max_length=80, null=True, blank=True, unique=True)
    payment_digest = models.CharField(max_length=64, blank=True)
    paid_fen = models.BigIntegerField(_("支付金额（分）"), default=0)

    scope_paths = ScopePaths(
        region=("terms__contract__project__region",),
        provider=("provider",),
        project=("terms__contract__project",),
    )

    class Meta:
        verbose_name = _("申领批次")
        verbose_name_plural = _("申领批次")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("manage_budget", "登记工伤预防费预算"),
            ("manage_contract_terms", "登记合同资金条款"),
            ("record_acceptance", "登记项目验收"),
            ("submit_claim", "提交申领"),
            ("review_batch", "审核申领批次"),
            ("approve_batch", "审批申领批次"),
            ("pay_batch", "登记支付"),
            ("decide_fraud", "骗取基金处理决定"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(paid_fen__gte=0), name="batch_paid_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(payment_key__isnull=False, paid_by__isnull=False),
                name="batch_paid_has_key",
            ),
            # Maker-checker in the database too: the approver is neither the submitter nor the reviewer.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (~Q(approved_by=F("submitted_by")) & ~Q(approved_by=F("reviewed_by"))),
                name="batch_approver_not_maker",
            ),
        ]

    def __str__(self):
        return f"申领批次 #{self.pk}"


class BatchEvent(models.Model):
    """Every state change of a batch or of one of its lines: who, when, why."""

    batch = models.ForeignKey(ClaimBatch, on_delete=models.PROTECT, related_name="events")
    claim = models.ForeignKey("funding.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    scope_paths = ScopePaths(
        region=("batch__terms__contract__project__region",),
        provider=("batch__provider",),
        project=("batch__terms__contract__project",),
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.batch_id} {self.from_status}→{self.to_status}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申领")
    REJECTED = "rejected", _("已驳回")
    PAID = "paid", _("已支付")
    CLAWED_BACK = "clawed_back", _("已追回（骗取基金）")


class Claim(models.Model):
    """One trainee in a batch. A person is paid for at most once in the whole program, whichever provider or
    project claims: the partial unique constraint `claim_one_per_person` (a rejected line frees the person)."""

    batch = models.ForeignKey(ClaimBatch, on_delete=models.PROTECT, related_name="claims")
    trainee = models.ForeignKey("training.Trainee", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.PROTECT, related_name="+")
    personnel_class = models.PositiveSmallIntegerField()
    amount_fen = models.BigIntegerField(_("金额（分）"))
    status = models.CharField(_("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    rejected_reason = models.TextField(_("驳回原因"), blank=True)

    scope_paths = ScopePaths(
        region=("batch__terms__contract__project__region",),
        provider=("batch__provider",),
        project=("batch__terms__contract__project",),
    )

    class Meta:
        verbose_name = _("申领明细")
        verbose_name_plural = _("申领明细")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"],
                condition=~Q(status="rejected"),
                name="claim_one_per_person",
                violation_error_message=_("该学员已申领过工伤预防费（全项目只能支付一次）"),
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="claim_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejected_reason=""), name="claim_rejected_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.batch_id}/{self.trainee_id}"


class FraudCase(models.Model):
    """Money obtained by fraud (社会保险法 art. 87): repaid, fined 2–5 times, the service contract cancelled."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="fraud_case")
    provider = models.ForeignKey("training.Provider", on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("骗取金额（分）"))
    evidence = models.TextField(_("依据"))
    opened_at = models.DateTimeField(auto_now_add=True)
    fine_fen = models.BigIntegerField(_("罚款（分）"), null=True, blank=True)
    fine_times_tenths = models.PositiveSmallIntegerField(_("罚款倍数（十分之一）"), null=True, blank=True)
    decision_number = models.CharField(_("处理决定文号"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_paths = ScopePaths(
        region=("claim__batch__terms__contract__project__region",),
        provider=("provider",),
        project=("claim__batch__terms__contract__project",),
    )

    class Meta:
        verbose_name = _("骗取基金案件")
        verbose_name_plural = _("骗取基金案件")
        constraints = [
            models.CheckConstraint(
                condition=Q(fine_fen__isnull=True)
                | Q(fine_fen__gte=2 * F("amount_fen"), fine_fen__lte=5 * F("amount_fen")),
                name="fraud_fine_two_to_five_times",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | ~Q(decision_number=""), name="fraud_decision_has_number"
            ),
        ]

    def __str__(self):
        return f"骗取基金案件 #{self.pk}"
