"""The training policy as versioned data (SPEC 二(二)–(四)).

A RuleSet belongs to a region (None = the national default) and takes effect from a date. Each RuleSet holds one
ClassRule per personnel class: hour range, minimum offline share, minimum practical share, offline class cap.
`training.selectors.policy.rule_set_in_force(region, on_date)` picks the one that applies; no call site hard-codes
the numbers.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.models.people import PersonnelClass
from training.scope import ScopePaths

DOCUMENTARY_TITLE = "生命重于泰山"


class RuleSet(models.Model):
    region = models.ForeignKey(
        "training.Region",
        verbose_name=_("适用地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_sets",
        help_text=_("留空表示全国默认"),
    )
    effective_from = models.DateField(_("生效日期"))
    name = models.CharField(_("名称"), max_length=128)
    documentary_required = models.BooleanField(_("《生命重于泰山》必学"), default=True)
    documentary_title = models.CharField(_("必学专题片"), max_length=64, default=DOCUMENTARY_TITLE)
    max_offline_hours_per_day = models.DecimalField(
        _("每日线下学时上限"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(8),
        help_text=_("一个班级一天的课次合计、一名学员一天记入的线下学时均不超过此数"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_paths = ScopePaths(region=("region",))

    class Meta:
        verbose_name = _("培训规则")
        verbose_name_plural = _("培训规则")
        ordering = ["region__code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="ruleset_unique_region_date"),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(region__isnull=True),
                name="ruleset_unique_national_date",
                violation_error_message=_("同一生效日期只能有一套全国默认规则"),
            ),
            models.CheckConstraint(
                condition=models.Q(max_offline_hours_per_day__gt=0, max_offline_hours_per_day__lte=24),
                name="ruleset_max_offline_hours_per_day_range",
                violation_error_message=_("每日线下学时上限须大于0且不超过24"),
            ),
        ]

    def __str__(self):
        where = self.region.full_name if self.region_id else _("全国")
        return f"{where} {self.name}（{self.effective_from:%Y-%m-%d} 起）"

    def rule_for(self, personnel_class: int) -> "ClassRule":
        for rule in self.class_rules.all():
            if rule.personnel_class == personnel_class:
                return rule
        raise ClassRule.DoesNotExist(f"{self} has no rule for class {personnel_class}")


_pct = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ClassRule(models.Model):
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("培训规则"), on_delete=models.CASCADE, related_name="class_rules"
    )
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    min_total_hours = models.DecimalField(_("最少总学时"), max_digits=6, decimal_places=2)
    max_total_hours = models.DecimalField(_("最多总学时"), max_digits=6, decimal_places=2)
    min_offline_percent = models.DecimalField(
        _("线下学时最低占比(%)"), max_digits=5, decimal_places=2, validators=_pct
    )
    min_practical_percent = models.DecimalField(
        _("实训学时最低占比(%)"), max_digits=5, decimal_places=2, default=0, validators=_pct
    )
    class_capacity = models.PositiveIntegerField(_("线下班级人数上限"))

    scope_paths = ScopePaths(region=("rule_set__region",))

    class Meta:
        verbose_name = _("分类规则")
        verbose_name_plural = _("分类规则")
        ordering = ["rule_set", "personnel_class"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "personnel_class"], name="classrule_unique_per_class"),
            models.CheckConstraint(
                condition=models.Q(min_total_hours__gt=0, max_total_hours__gte=models.F("min_total_hours")),
                name="classrule_hours_range",
                violation_error_message=_("学时范围无效：最多总学时须不小于最少总学时"),
            ),
            models.CheckConstraint(condition=models.Q(class_capacity__gt=0), name="classrule_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.get_personnel_class_display()} {self.min_total_hours}–{self.max_total_hours}"
