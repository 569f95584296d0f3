"""Live study sessions, the snapshots taken during them and the flags raised from them (SPEC 三(三))."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ENROLLMENT_PATHS

_ENROLLMENT_SCOPE = ENROLLMENT_PATHS.through("enrollment")


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("学习中")
    ENDED = "ended", _("已结束")


class StudySession(models.Model):
    """One open lesson page. At most one active session per trainee: a new tab or device ends the old one."""

    enrollment = models.ForeignKey(
        "training.Enrollment", verbose_name=_("项目学员"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    lesson = models.ForeignKey(
        "training.Lesson", verbose_name=_("课时"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    status = models.CharField(_("状态"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.ACTIVE)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=100, blank=True)
    verified_second = models.FloatField(_("已核验至（秒）"), default=0)
    credited_seconds = models.FloatField(_("计入学时（秒）"), default=0)
    checks_passed = models.PositiveIntegerField(_("核验通过次数"), default=0)
    checks_failed = models.PositiveIntegerField(_("核验失败次数"), default=0)
    hidden_count = models.PositiveIntegerField(_("页面切走次数"), default=0)

    scope_paths = _ENROLLMENT_SCOPE

    class Meta:
        verbose_name = _("在线学习会话")
        verbose_name_plural = _("在线学习会话")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"],
                condition=models.Q(status="active"),
                name="study_one_active_session_per_trainee",
                violation_error_message=_("该学员已有进行中的学习会话"),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.trainee} · {self.lesson}"

    @property
    def credit_source_prefix(self) -> str:
        """Every hours row credited from this session has a source starting with this (see hours_void)."""
        return f"study:{self.pk}:"


class SnapshotVerdict(models.TextChoices):
    """The verdicts of proctoring.faces.Verdict, plus `missing` (the page did not send the requested frame)."""

    MATCH = "match", _("本人")
    MISMATCH = "mismatch", _("非本人")
    NO_FACE = "no_face", _("未检测到人脸")
    MULTIPLE_FACES = "multiple_faces", _("多张人脸")
    STATIC = "static", _("静止画面（疑似翻拍）")
    MISSING = "missing", _("未按时上传")
    NO_TEMPLATE = "no_template", _("无人脸基准（未核验）")
    UNREADABLE = "unreadable", _("图像无法读取或过大")


class Snapshot(models.Model):
    """A frame the server asked for at a random time. The image is biometric data: see the retention rules."""

    session = models.ForeignKey(
        StudySession, verbose_name=_("学习会话"), on_delete=models.CASCADE, related_name="snapshots"
    )
    seq = models.PositiveIntegerField(_("序号"))
    recheck = models.BooleanField(_("重新核验"), default=False)
    covers_until = models.FloatField(_("核验覆盖至（秒）"), default=0)
    requested_at = models.DateTimeField(_("请求时间"), auto_now_add=True)
    image = models.FileField(_("抓拍图像"), upload_to="snapshots/%Y/%m/%d/", blank=True)
    taken_at = models.DateTimeField(_("抓拍时间"), null=True, blank=True)
    checked_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    verdict = models.CharField(_("核验结果"), max_length=16, choices=SnapshotVerdict.choices, blank=True)
    distance = models.FloatField(_("人脸距离"), null=True, blank=True)
    faces = models.PositiveSmallIntegerField(_("人脸数"), null=True, blank=True)
    signature = models.JSONField(_("画面特征"), null=True, blank=True)
    # Set once by proctoring.services.study.study_credit: the seconds this passed check credited (0 included).
    credited_seconds = models.FloatField(_("本次核验计入（秒）"), null=True, blank=True)

    scope_paths = _ENROLLMENT_SCOPE.through("session")

    class Meta:
        verbose_name = _("学习抓拍")
        verbose_name_plural = _("学习抓拍")
        ordering = ["session", "seq"]
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="snapshot_unique_seq")]

    def __str__(self):
        return f"{self.session_id}-{self.seq} {self.verdict or '…'}"

    @property
    def passed(self) -> bool:
        return self.verdict == SnapshotVerdict.MATCH

    @property
    def failed(self) -> bool:
        return bool(self.verdict) and self.verdict != SnapshotVerdict.MATCH


class FlagKind(models.TextChoices):
    FAILED_CHECK = "failed_check", _("核验未通过")
    PROXY = "proxy", _("疑似代学（与他人人脸模板相符）")
    EXAM = "exam", _("考试监考异常")
    # A follow-up call or visit (培训回访, oversight) found the person did not really study: its hours are at stake.
    REVISIT = "revisit", _("回访发现未参训学习")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")


class AppealStatus(models.TextChoices):
    NONE = "", _("未申诉")
    PENDING = "pending", _("申诉处理中")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉驳回")


class Flag(models.Model):
    """A failed check or a face that matches another trainee's template, with its evidence, for review."""

    kind = models.CharField(_("类型"), max_length=16, choices=FlagKind.choices)
    verdict = models.CharField(_("核验结果"), max_length=16, choices=SnapshotVerdict.choices, blank=True)
    # Empty for a proxy flag raised at enrolment (a new template matching another trainee's), before any study.
    session = models.ForeignKey(
        StudySession, verbose_name=_("学习会话"), null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    enrollment = models.ForeignKey(
        "training.Enrollment", verbose_name=_("项目学员"), on_delete=models.PROTECT, related_name="study_flags"
    )
    template_event = models.ForeignKey(
        "proctoring.FaceTemplateEvent",
        verbose_name=_("人脸采集记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
    )
    # Flags raised by a higher app (the exam) name their evidence by reference ("exam-attempt:12"): proctoring
    # never imports the app above it.
    exam_ref = models.CharField(_("考试记录"), max_length=40, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # Raised when a province's reviewer confirms a proxy ring (proctoring.services.rings): one flag per account.
    ring = models.ForeignKey(
        "proctoring.ProxyRing",
        verbose_name=_("代学团伙"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
    )
    snapshots = models.ManyToManyField(Snapshot, verbose_name=_("证据抓拍"), related_name="flags")
    matched_trainee = models.ForeignKey(
        "training.Trainee",
        verbose_name=_("相符的其他学员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proxy_flags_as_match",
    )
    matched_distance = models.FloatField(_("与其模板距离"), null=True, blank=True)
    status = models.CharField(_("审核状态"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_flags",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.TextField(_("审核理由"), blank=True)
    voided_rows = models.PositiveIntegerField(_("作废学时记录数"), default=0)
    appeal_text = models.TextField(_("申诉理由"), blank=True)
    appeal_status = models.CharField(
        _("申诉状态"), max_length=10, choices=AppealStatus.choices, blank=True, default=""
    )
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_appeals",
    )
    appeal_decided_at = models.DateTimeField(_("申诉处理时间"), null=True, blank=True)
    appeal_reason = models.TextField(_("申诉处理理由"), blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    scope_paths = _ENROLLMENT_SCOPE

    class Meta:
        verbose_name = _("学习异常")
        verbose_name_plural = _("学习异常")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
