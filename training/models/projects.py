from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ENROLLMENT_PATHS, ScopePaths


class ProjectStatus(models.TextChoices):
    """申报 → 联合遴选 → 专家评审 → 择优确定 → 合同 → 实施 → 验收 (SPEC 三(一))."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已申报")
    EXPERT_REVIEW = "expert_review", _("专家评审中")
    SELECTED = "selected", _("已入选")
    REJECTED = "rejected", _("未入选")
    CONTRACTED = "contracted", _("已签订合同")
    IN_PROGRESS = "in_progress", _("实施中")
    ACCEPTED = "accepted", _("已验收")


class TrainingProject(models.Model):
    """A fund-financed training project of a region, run by a provider (or applied for by a chemical park)."""

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    region = models.ForeignKey(
        "training.Region", verbose_name=_("项目地区"), on_delete=models.PROTECT, related_name="projects"
    )
    provider = models.ForeignKey(
        "training.Provider",
        verbose_name=_("实施培训机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    park = models.ForeignKey(
        "training.ChemicalPark",
        verbose_name=_("申报化工园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("第三方机构"), blank=True, related_name="audited_projects"
    )
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), blank=True, related_name="reviewed_projects"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_paths = ScopePaths(region=("region",), park=("park",), provider=("provider",), project=("",))

    class Meta:
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(provider__isnull=False) | models.Q(park__isnull=False),
                name="project_has_applicant",
                violation_error_message=_("项目须由培训机构或化工园区申报"),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("在训")
    COMPLETED = "completed", _("已结业")
    WITHDRAWN = "withdrawn", _("已退出")


class Enrollment(models.Model):
    """A trainee on a project's roster: the unit the fund pays for."""

    project = models.ForeignKey(
        TrainingProject, verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="enrollments"
    )
    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    # The offline class the trainee sits in (at most one per project); its capacity is checked by
    # training.services.enrollments under a row lock on the class.
    offline_class = models.ForeignKey(
        "training.OfflineClass",
        verbose_name=_("线下班级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    # Set by the exams app through training.services.enrollments.enrollment_mark_passed: a pass is what the fund
    # pays on, and it reduces the fee of the next safety re-training (SPEC 三(三)).
    exam_passed_on = models.DateField(_("考试合格日期"), null=True, blank=True)
    exam_score = models.PositiveSmallIntegerField(_("考试成绩"), null=True, blank=True)
    retraining_fee_reduced = models.BooleanField(_("再培训学费减免资格"), default=False)
    # Stored completion (training.services.completion): the day the training became complete by the rule of
    # training.selectors.completion, None while it is not. Written by the services where the facts change
    # (hours credited or voided, a documentary lesson watched, the plan submitted/approved/returned or its
    # courses changed) so dashboards count "trained" with one indexed column; a nightly reconcile re-checks all.
    trained_on = models.DateField(_("完成培训日期"), null=True, blank=True, db_index=True)

    scope_paths = ENROLLMENT_PATHS

    class Meta:
        verbose_name = _("项目学员")
        verbose_name_plural = _("项目学员")
        constraints = [
            models.UniqueConstraint(fields=["project", "trainee"], name="enrollment_unique_per_project"),
            # One active project per person: a second one would be a double claim on the fund (SPEC 三(二)).
            models.UniqueConstraint(
                fields=["trainee"],
                condition=models.Q(status="active"),
                name="enrollment_one_active_project_per_trainee",
                violation_error_message=_("该学员已在另一个在训项目中"),
            ),
        ]

    def __str__(self):
        return f"{self.trainee} @ {self.project.code}"
