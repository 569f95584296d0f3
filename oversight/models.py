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


# ---- spot checks and revisits (随机抽查, 培训回访: SPEC 三(三)) -------------------------------------------------

_PROJECT = ("project",)


class SampleDraw(models.Model):
    """A random sample of a project's held offline sessions and its learners, drawn by a third-party auditor.

    Reproducible: the draw is `random.Random(seed).sample` over the population in id order, and the population is
    fixed by what existed at the draw (sessions up to `session_max_id` held by `drawn_at`, enrolments up to
    `enrollment_max_id`); oversight.services.spotchecks.sample_redraw repeats it from the seed."""

    project = models.ForeignKey(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="+"
    )
    seed = models.BigIntegerField(_("随机种子"))
    session_size = models.PositiveSmallIntegerField(_("抽取班次数"))
    learner_size = models.PositiveSmallIntegerField(_("抽取学员数"))
    session_max_id = models.BigIntegerField(_("班次编号上限"), default=0)
    enrollment_max_id = models.BigIntegerField(_("学员编号上限"), default=0)
    session_ids = models.JSONField(_("抽中的班次"), default=list)
    enrollment_ids = models.JSONField(_("抽中的学员"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"))

    scope_paths = ScopePaths(region=("project__region",), project=_PROJECT)

    class Meta:
        verbose_name = _("随机抽样")
        verbose_name_plural = _("随机抽样")
        ordering = ["-drawn_at", "-pk"]
        permissions = [("draw_sample", _("随机抽取抽查对象"))]

    def __str__(self):
        return f"{self.project} {self.drawn_at:%Y-%m-%d %H:%M}"


class Finding(models.TextChoices):
    NONE = "none", _("未发现问题")
    MINOR = "minor", _("一般问题")
    SERIOUS = "serious", _("严重问题")


class SpotCheck(models.Model):
    """An auditor's check of one offline session: the people counted in the room against the attendance the
    provider recorded (kept beside it as it stood at the check), the findings and the evidence."""

    session = models.ForeignKey(
        "training.ClassSession", verbose_name=_("班次"), on_delete=models.PROTECT, related_name="+"
    )
    draw = models.ForeignKey(
        SampleDraw, verbose_name=_("随机抽样"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField(_("抽查日期"))
    present = models.PositiveIntegerField(_("实到人数"))
    absent = models.PositiveIntegerField(_("缺勤人数"))
    recorded_present = models.PositiveIntegerField(_("考勤记录签到人数"))
    roster_size = models.PositiveIntegerField(_("班级名单人数"))
    finding = models.CharField(_("抽查结论"), max_length=10, choices=Finding.choices)
    notes = models.TextField(_("发现的问题"), blank=True)
    evidence = models.FileField(_("证据照片"), upload_to="oversight/evidence/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽查人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_paths = ScopePaths(
        region=("session__offline_class__project__region",), project=("session__offline_class__project",)
    )

    class Meta:
        verbose_name = _("随机抽查")
        verbose_name_plural = _("随机抽查")
        ordering = ["-checked_on", "-pk"]

    def __str__(self):
        return f"{self.session} {self.checked_on:%Y-%m-%d}"

    @property
    def gap(self) -> int:
        """Signed in on the record but not found in the room."""
        return max(0, self.recorded_present - self.present)


class RevisitMethod(models.TextChoices):
    PHONE = "phone", _("电话回访")
    VISIT = "visit", _("上门回访")


class RevisitFinding(models.TextChoices):
    GENUINE = "genuine", _("本人确已参训学习")
    NOT_STUDIED = "not_studied", _("未参训学习")
    UNREACHABLE = "unreachable", _("未能联系")


class Revisit(models.Model):
    """A follow-up call or visit to a trainee: did the person really attend and study, and what they answered.
    "Did not study" opens a flag in proctoring's review (`flag`), with the enrolment's credited hours at stake."""

    enrollment = models.ForeignKey(
        "training.Enrollment", verbose_name=_("项目学员"), on_delete=models.PROTECT, related_name="+"
    )
    draw = models.ForeignKey(
        SampleDraw, verbose_name=_("随机抽样"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("回访方式"), max_length=10, choices=RevisitMethod.choices)
    revisited_on = models.DateField(_("回访日期"))
    reached = models.BooleanField(_("联系到本人"))
    attended = models.BooleanField(_("确认参加线下培训"), null=True, blank=True)
    studied = models.BooleanField(_("确认本人完成线上学习"), null=True, blank=True)
    answers = models.TextField(_("回访问答记录"))
    finding = models.CharField(_("回访结论"), max_length=12, choices=RevisitFinding.choices)
    hours_at_stake = models.DecimalField(_("涉及已认定学时"), max_digits=7, decimal_places=2, default=0)
    evidence = models.FileField(_("证据照片"), upload_to="oversight/evidence/%Y/%m/", blank=True)
    flag = models.ForeignKey(
        "proctoring.Flag",
        verbose_name=_("异常记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_paths = ScopePaths(region=("enrollment__project__region",), project=("enrollment__project",))

    class Meta:
        verbose_name = _("培训回访")
        verbose_name_plural = _("培训回访")
        ordering = ["-revisited_on", "-pk"]

    def __str__(self):
        return f"{self.enrollment} {self.revisited_on:%Y-%m-%d}"


# ---- complaints, credit and sanctions (信用体系: SPEC 三(三)) ---------------------------------------------------

_PROVIDER_PATHS = ScopePaths(region=("provider__region", "provider__projects__region"), provider=("provider",))


class Complaint(models.Model):
    """A complaint about a provider (and, where named, one of its teachers), entered by HR; only one found true
    on inquiry (`substantiated`) counts against the credit score."""

    provider = models.ForeignKey(
        "training.Provider", verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        "training.Teacher",
        verbose_name=_("培训教师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField(_("收到日期"))
    summary = models.TextField(_("投诉内容"))
    substantiated = models.BooleanField(_("经查属实"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_paths = _PROVIDER_PATHS

    class Meta:
        verbose_name = _("投诉记录")
        verbose_name_plural = _("投诉记录")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.provider} {self.received_on:%Y-%m-%d}"


class CreditWeights(models.Model):
    """How the credit score combines its parts, as data with an effective date (the row in force on a day is the
    latest `effective_from` on or before it). Each part scores 0–100; the score is their weighted mean over the
    parts that have figures. `complaint_points`: points one substantiated complaint takes off the complaint part."""

    effective_from = models.DateField(_("生效日期"), unique=True)
    pass_rate = models.PositiveSmallIntegerField(_("考试合格率权重"))
    flag_rate = models.PositiveSmallIntegerField(_("确认异常率权重"))
    spot_checks = models.PositiveSmallIntegerField(_("抽查问题权重"))
    revisits = models.PositiveSmallIntegerField(_("回访结果权重"))
    complaints = models.PositiveSmallIntegerField(_("投诉权重"))
    complaint_points = models.PositiveSmallIntegerField(_("每件属实投诉扣分"), default=20)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("信用评分权重")
        verbose_name_plural = _("信用评分权重")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_rate__gt=0)
                | models.Q(flag_rate__gt=0)
                | models.Q(spot_checks__gt=0)
                | models.Q(revisits__gt=0)
                | models.Q(complaints__gt=0),
                name="creditweights_not_all_zero",
            )
        ]

    def __str__(self):
        return f"{self.effective_from:%Y-%m-%d}"

    def as_dict(self) -> dict[str, int]:
        return {
            "pass_rate": self.pass_rate,
            "flag_rate": self.flag_rate,
            "spot_checks": self.spot_checks,
            "revisits": self.revisits,
            "complaints": self.complaints,
        }


class CreditScore(models.Model):
    """One recalculation of a provider's or a teacher's credit: the score, the parts and figures behind it
    (`components`) and, against the previous row, the reasons it changed. Rows are never edited: the history."""

    provider = models.ForeignKey(
        "training.Provider",
        verbose_name=_("培训机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    teacher = models.ForeignKey(
        "training.Teacher",
        verbose_name=_("培训教师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(_("信用分"), max_digits=5, decimal_places=1)
    previous = models.DecimalField(_("上次信用分"), max_digits=5, decimal_places=1, null=True, blank=True)
    components = models.JSONField(_("各项得分及依据"))
    reasons = models.JSONField(_("变化原因"), default=list)
    weights = models.ForeignKey(CreditWeights, verbose_name=_("权重"), on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("计算时间"))

    scope_paths = ScopePaths(
        region=("provider__region", "provider__projects__region", "teacher__provider__region"),
        provider=("provider", "teacher__provider"),
    )

    class Meta:
        verbose_name = _("信用评分")
        verbose_name_plural = _("信用评分")
        ordering = ["-computed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(provider__isnull=False, teacher__isnull=True)
                | models.Q(provider__isnull=True, teacher__isnull=False),
                name="creditscore_one_subject",
            )
        ]
        permissions = [("view_credit", _("查看培训机构和教师信用"))]

    def __str__(self):
        return f"{self.provider or self.teacher} {self.score}"

    @property
    def change(self):
        return None if self.previous is None else self.score - self.previous


class SanctionAction(models.TextChoices):
    WARN = "warn", _("警告")
    SUSPEND = "suspend", _("暂停")
    REMOVE = "remove", _("退出")
    REINSTATE = "reinstate", _("恢复正常")


class ProviderSanction(models.Model):
    """HR's warning, suspension, removal or reinstatement of a provider, with the reason. A warning is only this
    record (the provider keeps working); the others also change the provider's status in training."""

    provider = models.ForeignKey(
        "training.Provider", verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("处理"), max_length=10, choices=SanctionAction.choices)
    reason = models.TextField(_("原因"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), auto_now_add=True)

    scope_paths = _PROVIDER_PATHS

    class Meta:
        verbose_name = _("培训机构处理记录")
        verbose_name_plural = _("培训机构处理记录")
        ordering = ["-decided_at", "-pk"]
        permissions = [("sanction_provider", _("警告、暂停或退出培训机构"))]

    def __str__(self):
        return f"{self.provider} {self.get_action_display()}"


# ---- the coverage state of each trainee (dash: charts, report, speed) ----


FIGURES = [
    "trainee", "region", "park", "enterprise", "provider", "new_or_transferred", "enrolled", "trained", "passed",
    "certified",
    "enrolled_at", "trained_on", "passed_on",
]  # fmt: skip


class CoverageState(models.Model):
    """One row per trainee: where they count (enterprise, region, park, class) and how far they are (enrolled,
    trained, passed, certified, with the first date of each), so the dashboard groups one narrow table instead of
    asking four subqueries per trainee.

    Kept by the database itself: triggers on training_trainee, training_enterprise, training_enrollment and
    exams_certificate (migration 0004_coveragestate) rewrite the row of every trainee a write touches, in the
    same transaction, whichever door wrote it (services, admin, bulk import, COPY). So it is never stale: there
    is no refresh interval. `trained` is the stored completion Enrollment.trained_on, itself written by
    training.services.completion where hours change."""

    trainee = models.OneToOneField(
        "training.Trainee", primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # indexed by Meta.indexes only: the covering indexes serve the pages' GROUP BYs
    enterprise = models.ForeignKey(
        "training.Enterprise", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    region = models.ForeignKey(
        "training.Region", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    park = models.ForeignKey(
        "training.ChemicalPark", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="+",
    )  # fmt: skip
    personnel_class = models.PositiveSmallIntegerField(choices=PersonnelClass.choices)
    new_or_transferred = models.BooleanField(default=False)
    # the provider of the trainee's latest enrolment on a roster (active or completed)
    provider = models.ForeignKey(
        "training.Provider", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="+",
    )  # fmt: skip
    enrolled = models.BooleanField(default=False)
    trained = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    certified = models.BooleanField(default=False)
    enrolled_at = models.DateTimeField(null=True)  # first enrolment (active or completed)
    trained_on = models.DateField(null=True)  # first completed training
    passed_on = models.DateField(null=True)  # first exam pass

    scope_paths = ScopePaths(
        region=("region",),
        park=("park",),
        provider=("trainee__enrollments__project__provider",),
        project=("trainee__enrollments__project",),
        trainee=("trainee",),
    )

    class Meta:
        verbose_name = _("学员培训进度（汇总）")
        verbose_name_plural = _("学员培训进度（汇总）")
        # covering indexes (PostgreSQL): a page's GROUP BYs read the index alone, never the scattered table rows
        indexes = [
            models.Index(fields=["region", "personnel_class"], include=FIGURES, name="coveragestate_region_class"),
            models.Index(fields=["park", "personnel_class"], include=FIGURES, name="coveragestate_park_class"),
            models.Index(fields=["enterprise"], name="coveragestate_enterprise"),
            models.Index(fields=["provider"], name="coveragestate_provider"),
        ]

    def __str__(self):
        return f"{self.trainee_id}"
