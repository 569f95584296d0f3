"""Baselines and yearly targets per region and personnel class, and follow-ups of enterprises behind (issue 11)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.models import PersonnelClass
from training.scope import ScopePaths


class Baseline(models.Model):
    """What a region has to train in one personnel class (EM), and its 2020 work-injury accident rate (HR)."""

    region = models.ForeignKey(
        "training.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    enterprises = models.PositiveIntegerField(_("应培训企业数"), default=0)
    people = models.PositiveIntegerField(_("应培训人数"), default=0)
    accident_rate_2020 = models.DecimalField(
        _("2020年工伤事故发生率（‰）"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_paths = ScopePaths(region=("region",))

    class Meta:
        verbose_name = _("培训基数")
        verbose_name_plural = _("培训基数")
        ordering = ["region__code", "personnel_class"]
        constraints = [
            models.UniqueConstraint(fields=["region", "personnel_class"], name="baseline_unique_per_region_class")
        ]
        permissions = [
            ("view_coverage", _("查看培训覆盖进度")),
            ("set_target", _("设定年度目标")),
        ]

    def __str__(self):
        return f"{self.region.name} {self.get_personnel_class_display()}"


class Target(models.Model):
    """The number of people of a baseline trained by the end of a year (cumulative)."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("培训基数"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    people = models.PositiveIntegerField(_("累计目标人数"))

    scope_paths = ScopePaths(region=("baseline__region",))

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["baseline", "year"]
        constraints = [models.UniqueConstraint(fields=["baseline", "year"], name="target_unique_per_year")]

    def __str__(self):
        return f"{self.baseline} {self.year}: {self.people}"


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("电话督促")
    VISIT = "visit", _("上门督促")
    NOTICE = "notice", _("书面通知")
    MEETING = "meeting", _("约谈")


class FollowUp(models.Model):
    """One follow-up (重点督促) of an enterprise behind: when, how, and what came of it."""

    enterprise = models.ForeignKey(
        "training.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("督促日期"))
    method = models.CharField(_("督促方式"), max_length=16, choices=FollowUpMethod.choices)
    outcome = models.TextField(_("督促结果"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_paths = ScopePaths(region=("enterprise__region",), park=("enterprise__park",))

    class Meta:
        verbose_name = _("督促记录")
        verbose_name_plural = _("督促记录")
        ordering = ["-date", "-pk"]
        permissions = [("record_followup", _("记录督促情况"))]

    def __str__(self):
        return f"{self.enterprise} {self.date:%Y-%m-%d} {self.get_method_display()}"
