"""The fund's side of a training service contract: prices per class, payment shares, its reservation, acceptance."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from training.models import PersonnelClass
from training.scope import ScopePaths

_SCOPE = ScopePaths(
    region=("contract__project__region",),
    park=("contract__project__park",),
    provider=("contract__project__provider",),
    project=("contract__project",),
)


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("履行中")
    CANCELLED = "cancelled", _("已解除（骗取基金）")


class ContractTerms(models.Model):
    """Fund terms of training's ServiceContract (training never imports funding, so they live here)."""

    contract = models.OneToOneField(
        "training.ServiceContract", verbose_name=_("服务合同"), on_delete=models.PROTECT, related_name="fund_terms"
    )
    budget = models.ForeignKey(
        "funding.Budget", verbose_name=_("预算"), on_delete=models.PROTECT, related_name="contracts"
    )
    amount_fen = models.BigIntegerField(_("合同金额（分）"))
    paid_fen = models.BigIntegerField(_("已支付净额（分）"), default=0)
    advance_bp = models.PositiveIntegerField(_("预付比例（万分比）"))
    acceptance_bp = models.PositiveIntegerField(_("验收后支付比例（万分比）"))
    online_tendered = models.BooleanField(_("线上培训经招标采购"), default=False)
    online_tender_document = models.CharField(_("招标采购文件"), max_length=200, blank=True)
    online_tender_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    online_tender_at = models.DateTimeField(null=True, blank=True)
    low_price = models.BooleanField(_("低价竞争预警"), default=False)
    low_price_note = models.TextField(_("低价预警说明"), blank=True)
    low_price_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    low_price_acknowledged_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    cancelled_reason = models.TextField(_("解除原因"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths = _SCOPE

    class Meta:
        verbose_name = _("合同资金条款")
        verbose_name_plural = _("合同资金条款")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0, paid_fen__gte=0), name="terms_amounts_not_negative"),
            models.CheckConstraint(condition=Q(paid_fen__lte=F("amount_fen")), name="terms_paid_within_reservation"),
            models.CheckConstraint(
                condition=Q(advance_bp__lte=10000) & Q(acceptance_bp=10000 - F("advance_bp")),
                name="terms_shares_make_whole",
            ),
            models.CheckConstraint(
                condition=Q(low_price=False) | Q(low_price_acknowledged_by__isnull=False),
                name="terms_low_price_acknowledged",
            ),
        ]

    def __str__(self):
        return str(self.contract)


class ContractPrice(models.Model):
    """Fee per trainee of one personnel class; `online_fee_fen` is the part paid only if online was tendered."""

    terms = models.ForeignKey(ContractTerms, on_delete=models.CASCADE, related_name="prices")
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    fee_fen = models.BigIntegerField(_("每人费用（分）"))
    online_fee_fen = models.BigIntegerField(_("其中线上培训费用（分）"), default=0)
    hours = models.DecimalField(_("每人学时"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("合同价格")
        verbose_name_plural = _("合同价格")
        constraints = [
            models.UniqueConstraint(fields=["terms", "personnel_class"], name="price_one_per_class"),
            models.CheckConstraint(
                condition=Q(fee_fen__gte=0, online_fee_fen__gte=0, online_fee_fen__lte=F("fee_fen"), hours__gt=0),
                name="price_values_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_personnel_class_display()} {self.fee_fen}"


class AcceptanceKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("第三方机构验收")
    EXPERTS = "experts", _("专家验收")


class Acceptance(models.Model):
    """验收 of a project by the third party or the experts: the final payment needs it (13号 art. 6)."""

    terms = models.OneToOneField(ContractTerms, on_delete=models.PROTECT, related_name="acceptance")
    kind = models.CharField(_("验收方式"), max_length=12, choices=AcceptanceKind.choices)
    accepted_on = models.DateField(_("验收日期"))
    document = models.CharField(_("验收文件"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(
        region=("terms__contract__project__region",),
        provider=("terms__contract__project__provider",),
        project=("terms__contract__project",),
    )

    class Meta:
        verbose_name = _("项目验收")
        verbose_name_plural = _("项目验收")
        constraints = [models.CheckConstraint(condition=~Q(document=""), name="acceptance_has_document")]

    def __str__(self):
        return f"{self.terms} {self.accepted_on}"
