"""The fund's rules as data (per pooling area, from an effective date) and the yearly budget of a pooling area."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths


class FundRule(models.Model):
    """Rules of the fund in force from `effective_from` in a pooling area (region) or nationally (region empty).

    Budget cap: 人社部规〔2017〕13号 art. 5 (3 % of the previous year's contribution income, more only with the
    provincial HR and finance departments' approval). Fraud: 社会保险法 art. 87 (repay, fine 2–5 times).
    Low-price competition (严防低价竞争): the cost benchmark per training hour of the region."""

    region = models.ForeignKey(
        "training.Region",
        verbose_name=_("统筹地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_from = models.DateField(_("生效日期"))
    max_share_bp = models.PositiveIntegerField(_("预防费占上年征缴收入上限（万分比）"), default=300)
    fine_min_times = models.PositiveSmallIntegerField(_("罚款最低倍数"), default=2)
    fine_max_times = models.PositiveSmallIntegerField(_("罚款最高倍数"), default=5)
    cost_benchmark_fen_per_hour = models.PositiveIntegerField(_("每学时成本基准（分）"), default=0)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths = ScopePaths(region=("region",))

    class Meta:
        verbose_name = _("工伤预防费规则")
        verbose_name_plural = _("工伤预防费规则")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="fundrule_one_per_region_date"),
            models.CheckConstraint(
                condition=Q(fine_min_times__gte=1, fine_max_times__gte=F("fine_min_times")),
                name="fundrule_fine_range",
            ),
            models.CheckConstraint(condition=Q(max_share_bp__lte=10000), name="fundrule_share_at_most_all"),
        ]

    def __str__(self):
        return f"{self.region or '全国'} {self.effective_from}"


class Budget(models.Model):
    """The prevention budget of a pooling area (统筹地区) for a year: a share of last year's contribution income."""

    region = models.ForeignKey(
        "training.Region", verbose_name=_("统筹地区"), on_delete=models.PROTECT, related_name="fund_budgets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    contribution_income_fen = models.BigIntegerField(_("上年度工伤保险基金征缴收入（分）"))
    share_bp = models.PositiveIntegerField(_("预防费比例（万分比）"))
    approval_number = models.CharField(_("省级人社、财政部门批准文号"), max_length=100, blank=True)
    approval_date = models.DateField(_("批准日期"), null=True, blank=True)
    cap_fen = models.BigIntegerField(_("预算上限（分）"))
    reserved_fen = models.BigIntegerField(_("已预留（分）"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths = ScopePaths(region=("region",))

    class Meta:
        verbose_name = _("工伤预防费预算")
        verbose_name_plural = _("工伤预防费预算")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="budget_one_per_area_year"),
            models.CheckConstraint(
                condition=Q(contribution_income_fen__gte=0, cap_fen__gte=0, reserved_fen__gte=0),
                name="budget_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(reserved_fen__lte=F("cap_fen")), name="budget_reserved_within_cap"),
            models.CheckConstraint(
                condition=Q(approval_number="", approval_date__isnull=True)
                | (~Q(approval_number="") & Q(approval_date__isnull=False)),
                name="budget_approval_number_and_date",
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.year}"

    @property
    def available_fen(self) -> int:
        return self.cap_fen - self.reserved_fen
