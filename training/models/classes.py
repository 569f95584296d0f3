"""Offline classes (班级), their sessions and attendance (SPEC 二(三)(四), 三(三))."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models.people import PersonnelClass
from training.rules import session_day_error, session_hours
from training.scope import ScopePaths


class SessionKind(models.TextChoices):
    THEORY = "theory", _("理论")
    PRACTICAL = "practical", _("实训")


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("扫码")
    QR_FACE = "qr_face", _("扫码+人脸核验")
    MANUAL = "manual", _("手工录入")


class OfflineClass(models.Model):
    code = models.CharField(_("班级编号"), max_length=32, unique=True)
    project = models.ForeignKey(
        "training.TrainingProject",
        verbose_name=_("培训项目"),
        on_delete=models.PROTECT,
        related_name="offline_classes",
    )
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    name = models.CharField(_("班级名称"), max_length=128, blank=True)
    capacity = models.PositiveIntegerField(_("人数上限"), help_text=_("创建时取自现行培训规则"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_paths = ScopePaths(
        region=("project__region",),
        park=("project__park",),
        provider=("project__provider",),
        project=("project",),
        trainee=("enrollments__trainee",),
    )

    class Meta:
        verbose_name = _("线下班级")
        verbose_name_plural = _("线下班级")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="offlineclass_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class ClassSession(models.Model):
    offline_class = models.ForeignKey(
        OfflineClass, verbose_name=_("线下班级"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200)
    teacher = models.ForeignKey(
        "training.Teacher",
        verbose_name=_("授课教师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=2, help_text=_("由开始、结束时间计算"))
    kind = models.CharField(_("类型"), max_length=16, choices=SessionKind.choices, default=SessionKind.THEORY)
    topic = models.CharField(_("课程内容"), max_length=200, blank=True)

    scope_paths = ScopePaths(
        region=("offline_class__project__region",),
        park=("offline_class__project__park",),
        provider=("offline_class__project__provider",),
        project=("offline_class__project",),
        trainee=("offline_class__enrollments__trainee",),
    )

    class Meta:
        verbose_name = _("线下课次")
        verbose_name_plural = _("线下课次")
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="session_end_after_start",
                violation_error_message=_("结束时间须晚于开始时间"),
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0),
                name="session_hours_positive",
                violation_error_message=_("学时须大于0"),
            ),
        ]

    def __str__(self):
        return f"{self.offline_class.code} {self.date:%Y-%m-%d} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self):
        # Hours are never typed, and a class's day stays within the rule set's maximum: every door (page, admin,
        # import) runs full_clean. The service calls it under a lock on the class, so two at once cannot both pass.
        if not (self.start and self.end and self.date and self.offline_class_id):
            return
        self.hours = session_hours(start=self.start, end=self.end)
        from training.selectors.policy import rule_set_in_force

        project = self.offline_class.project
        siblings = ClassSession.objects.filter(offline_class_id=self.offline_class_id, date=self.date)
        reason = session_day_error(
            hours=self.hours,
            scheduled_that_day=sum(siblings.exclude(pk=self.pk).values_list("hours", flat=True), Decimal(0)),
            max_per_day=rule_set_in_force(project.region, self.date).max_offline_hours_per_day,
            label=f"{self.date:%Y-%m-%d} ",
        )
        if reason:
            raise ValidationError(reason)

    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start))

    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end))

    @property
    def credit_kind(self) -> str:
        """The ledger kind this session credits."""
        return "offline_practical" if self.kind == SessionKind.PRACTICAL else "offline_theory"


class Attendance(models.Model):
    session = models.ForeignKey(
        ClassSession, verbose_name=_("课次"), on_delete=models.PROTECT, related_name="attendances"
    )
    enrollment = models.ForeignKey(
        "training.Enrollment", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="attendances"
    )
    signed_in_at = models.DateTimeField(_("签到时间"))
    signed_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)
    sign_in_method = models.CharField(
        _("签到方式"), max_length=16, choices=AttendanceMethod.choices, default=AttendanceMethod.MANUAL
    )
    sign_out_method = models.CharField(_("签退方式"), max_length=16, choices=AttendanceMethod.choices, blank=True)
    manual_reason = models.CharField(_("手工录入原因"), max_length=200, blank=True)

    scope_paths = ScopePaths(
        region=("session__offline_class__project__region",),
        park=("session__offline_class__project__park",),
        provider=("session__offline_class__project__provider",),
        project=("session__offline_class__project",),
        trainee=("enrollment__trainee",),
    )

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        ordering = ["session", "enrollment"]
        permissions = [
            ("record_attendance", _("记录考勤（手工录入、全部签到、显示签到二维码）")),
            ("audit_attendance", _("查看各培训机构的手工考勤")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once_per_session"),
            models.CheckConstraint(
                condition=models.Q(signed_out_at__isnull=True) | models.Q(signed_out_at__gt=models.F("signed_in_at")),
                name="attendance_out_after_in",
                violation_error_message=_("签退时间须晚于签到时间"),
            ),
            models.CheckConstraint(
                condition=~models.Q(manual_reason="")
                | (~models.Q(sign_in_method="manual") & ~models.Q(sign_out_method="manual")),
                name="attendance_manual_has_reason",
                violation_error_message=_("手工录入的考勤须填写原因"),
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.trainee.name} @ {self.session}"

    @property
    def is_manual(self) -> bool:
        """Typed by the provider's staff (sign-in or sign-out): marked as such in every report."""
        return AttendanceMethod.MANUAL in (self.sign_in_method, self.sign_out_method)
