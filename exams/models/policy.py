"""The exam rules as versioned data (安监总培训〔2013〕104号 national defaults; a province may change them).

An ExamRuleSet belongs to a region (None = national default) and takes effect from a date, like
training.models.RuleSet. `exams.selectors.rules.exam_rules_in_force(region, on_date)` picks the one that applies.
An attempt copies the numbers it needs when it starts, so a later change never alters an exam already begun.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths


class MultiScoring(models.TextChoices):
    ALL_OR_NOTHING = "all", _("全对得分")
    PARTIAL = "partial", _("少选得部分分")


class ExamRuleSet(models.Model):
    region = models.ForeignKey(
        "training.Region",
        verbose_name=_("适用地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exam_rule_sets",
        help_text=_("留空表示全国默认"),
    )
    effective_from = models.DateField(_("生效日期"))
    name = models.CharField(_("名称"), max_length=128)
    total_points = models.PositiveSmallIntegerField(_("试卷总分"), default=100)
    pass_mark = models.PositiveSmallIntegerField(_("合格分数线"), default=80)
    duration_minutes = models.PositiveSmallIntegerField(
        _("考试时长(分钟)"), default=120, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("考试次数上限(含补考)"), default=2, validators=[MinValueValidator(1)]
    )
    certificate_valid_years = models.PositiveSmallIntegerField(_("证书有效期(年)"), default=3)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_paths = ScopePaths(region=("region",))

    class Meta:
        verbose_name = _("考试规则")
        verbose_name_plural = _("考试规则")
        ordering = ["region__code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="examruleset_unique_region_date"),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(region__isnull=True),
                name="examruleset_unique_national_date",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=models.F("total_points"), total_points__gt=0),
                name="examruleset_pass_mark_within_total",
                violation_error_message=_("合格分数线不能高于试卷总分"),
            ),
        ]

    def __str__(self):
        where = self.region.full_name if self.region_id else _("全国")
        return f"{where} {self.name}（{self.effective_from:%Y-%m-%d} 起）"
