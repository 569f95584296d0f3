"""The credited-hours ledger: append-only; a wrong credit is voided (marked), never deleted or edited.

Credits are integer seconds (a verified stretch of 20 s is 20 s, not lost to a 0.01 h step); hours appear only on
pages (the `seconds_as_hours` filter of training/templatetags/training_hours.py).
Offline hours come from attendance (source "attendance:<id>"), online seconds from verified study through
`training.services.hours.hours_credit_online` (source given by the caller, e.g. "study:<id>").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths


class CreditKind(models.TextChoices):
    ONLINE = "online", _("线上")
    OFFLINE_THEORY = "offline_theory", _("线下理论")
    OFFLINE_PRACTICAL = "offline_practical", _("线下实训")


class CreditedHours(models.Model):
    enrollment = models.ForeignKey(
        "training.Enrollment", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="credited_hours"
    )
    course = models.ForeignKey(
        "training.Course",
        verbose_name=_("课程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_hours",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=CreditKind.choices)
    seconds = models.PositiveIntegerField(_("认定时长（秒）"))
    source = models.CharField(_("来源"), max_length=64, db_index=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记入时间"), auto_now_add=True)

    scope_paths = ScopePaths(
        region=("enrollment__project__region",),
        park=("enrollment__project__park",),
        provider=("enrollment__project__provider",),
        project=("enrollment__project",),
        trainee=("enrollment__trainee",),
    )

    class Meta:
        verbose_name = _("已认定学时")
        verbose_name_plural = _("已认定学时")
        ordering = ["enrollment", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seconds__gt=0), name="credited_seconds_positive"),
            # One live credit per source: re-recording attendance or a retried task cannot count twice.
            models.UniqueConstraint(
                fields=["enrollment", "source"],
                condition=models.Q(voided_at__isnull=True),
                name="credited_hours_one_live_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment_id} {self.kind} {self.seconds}s"
