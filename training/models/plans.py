"""Training plans per personnel class and their courses (SPEC 二(二)(三))."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.models.people import PersonnelClass
from training.scope import ScopePaths


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


class Modality(models.TextChoices):
    ONLINE = "online", _("线上")
    OFFLINE_THEORY = "offline_theory", _("线下理论")
    OFFLINE_PRACTICAL = "offline_practical", _("线下实训")


class TrainingPlan(models.Model):
    project = models.ForeignKey(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.CASCADE, related_name="plans"
    )
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    rule_set = models.ForeignKey(
        "training.RuleSet",
        verbose_name=_("所依据的培训规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("提交时确定的现行规则"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)

    scope_paths = ScopePaths(
        region=("project__region",),
        park=("project__park",),
        provider=("project__provider",),
        project=("project",),
        trainee=("project__enrollments__trainee",),
    )

    class Meta:
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")
        ordering = ["project", "personnel_class"]
        constraints = [
            models.UniqueConstraint(fields=["project", "personnel_class"], name="plan_unique_per_class"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.get_personnel_class_display()}"


class Course(models.Model):
    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("培训计划"), on_delete=models.CASCADE, related_name="courses"
    )
    title = models.CharField(_("课程名称"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=2)
    modality = models.CharField(_("形式"), max_length=20, choices=Modality.choices)
    is_documentary = models.BooleanField(_("必学专题片《生命重于泰山》"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    scope_paths = ScopePaths(
        region=("plan__project__region",),
        park=("plan__project__park",),
        provider=("plan__project__provider",),
        project=("plan__project",),
        trainee=("plan__project__enrollments__trainee",),
    )

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0), name="course_hours_positive", violation_error_message=_("学时须大于0")
            ),
            models.CheckConstraint(
                condition=models.Q(is_documentary=False) | models.Q(modality="online"),
                name="course_documentary_is_online",
                violation_error_message=_("专题片《生命重于泰山》须为线上课程"),
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.hours}学时）"


class PlanAction(models.TextChoices):
    CREATED = "created", _("创建")
    COURSE_ADDED = "course_added", _("添加课程")
    SUBMITTED = "submitted", _("提交")
    APPROVED = "approved", _("批准")
    RETURNED = "returned", _("退回")


# The steps that make someone an author of the plan: its approver must be someone else (separation of duties).
AUTHORING_ACTIONS = frozenset({PlanAction.CREATED, PlanAction.COURSE_ADDED, PlanAction.SUBMITTED})


class PlanChange(models.Model):
    """The plan's history: who created, edited, submitted and reviewed it, and when. Written by
    training.services.plans only; read to keep the plan's authors from approving it."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("培训计划"), on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField(_("操作"), max_length=16, choices=PlanAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths = ScopePaths(
        region=("plan__project__region",),
        park=("plan__project__park",),
        provider=("plan__project__provider",),
        project=("plan__project",),
    )

    class Meta:
        verbose_name = _("培训计划记录")
        verbose_name_plural = _("培训计划记录")
        ordering = ["plan", "at", "pk"]

    def __str__(self):
        return f"{self.plan} {self.get_action_display()} {self.by}"
