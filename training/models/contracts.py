"""Service contracts, expert reviews and the record of project status changes (SPEC 三(一))."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths

_PROJECT_SCOPE = ScopePaths(
    region=("project__region",),
    park=("project__park",),
    provider=("project__provider",),
    project=("project",),
)


class ServiceContract(models.Model):
    """服务合同: scale, method, content, duration, performance targets, fee, responsibilities."""

    project = models.OneToOneField(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.CASCADE, related_name="contract"
    )
    number = models.CharField(_("合同编号"), max_length=64, blank=True)
    trainees_class1 = models.PositiveIntegerField(_("计划培训人数：安全生产分管负责人"), default=0)
    trainees_class2 = models.PositiveIntegerField(_("计划培训人数：专职安全管理人员"), default=0)
    trainees_class3 = models.PositiveIntegerField(_("计划培训人数：班组长"), default=0)
    method = models.TextField(_("培训方式"))
    content = models.TextField(_("培训内容"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    performance_targets = models.TextField(_("绩效目标"))
    fee_class1 = models.DecimalField(_("每人费用：安全生产分管负责人（元）"), max_digits=10, decimal_places=2)
    fee_class2 = models.DecimalField(_("每人费用：专职安全管理人员（元）"), max_digits=10, decimal_places=2)
    fee_class3 = models.DecimalField(_("每人费用：班组长（元）"), max_digits=10, decimal_places=2)
    responsibilities = models.TextField(_("双方责任"))
    signed_at = models.DateField(_("签订日期"), null=True, blank=True)

    scope_paths = _PROJECT_SCOPE

    class Meta:
        verbose_name = _("服务合同")
        verbose_name_plural = _("服务合同")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_end_after_start",
                violation_error_message=_("合同期限：结束日期不能早于开始日期"),
            ),
            models.CheckConstraint(
                condition=models.Q(fee_class1__gte=0, fee_class2__gte=0, fee_class3__gte=0),
                name="contract_fees_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} 服务合同"

    def planned(self, personnel_class: int) -> int:
        return getattr(self, f"trainees_class{personnel_class}")

    def fee(self, personnel_class: int):
        return getattr(self, f"fee_class{personnel_class}")

    @property
    def planned_total(self) -> int:
        return self.trainees_class1 + self.trainees_class2 + self.trainees_class3


class ExpertReview(models.Model):
    project = models.ForeignKey(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.CASCADE, related_name="reviews"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="expert_reviews"
    )
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    scope_paths = _PROJECT_SCOPE

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["project", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "expert"], name="review_once_per_expert"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="review_score_at_most_100"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.expert} {self.score}"


class ProjectStatusChange(models.Model):
    """Who moved a project from which status to which, and when (the workflow's record)."""

    project = models.ForeignKey(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=16)
    to_status = models.CharField(_("新状态"), max_length=16)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths = _PROJECT_SCOPE

    class Meta:
        verbose_name = _("项目状态记录")
        verbose_name_plural = _("项目状态记录")
        ordering = ["project", "changed_at", "pk"]

    def __str__(self):
        return f"{self.project.code} {self.from_status}→{self.to_status}"

    @property
    def from_label(self) -> str:
        from training.models.projects import ProjectStatus

        return ProjectStatus(self.from_status).label

    @property
    def to_label(self) -> str:
        from training.models.projects import ProjectStatus

        return ProjectStatus(self.to_status).label
