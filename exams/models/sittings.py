"""Sittings (exam windows of a project), check-ins at an exam site, attempts, answers and the evidence record."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exams.models.policy import MultiScoring
from training.scope import ENROLLMENT_PATHS, ScopePaths

_ENROLLMENT_SCOPE = ENROLLMENT_PATHS.through("enrollment")


class SittingMode(models.TextChoices):
    ONLINE = "online", _("线上监考")
    SITE = "site", _("考点考试")


class Sitting(models.Model):
    project = models.ForeignKey(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="sittings"
    )
    name = models.CharField(_("场次名称"), max_length=100)
    mode = models.CharField(_("考试方式"), max_length=8, choices=SittingMode.choices)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    site = models.CharField(_("考点"), max_length=100, blank=True)
    room = models.CharField(_("考场"), max_length=50, blank=True)
    seats = models.PositiveIntegerField(_("座位数"), null=True, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("考务人员"), blank=True, related_name="+")

    scope_paths = ScopePaths(region=("project__region",), provider=("project__provider",), project=("project",))

    class Meta:
        verbose_name = _("考试场次")
        verbose_name_plural = _("考试场次")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="sitting_window_positive",
                violation_error_message=_("结束时间须晚于开始时间"),
            ),
            models.CheckConstraint(
                condition=models.Q(mode="online") | ~models.Q(site=""),
                name="sitting_site_named",
                violation_error_message=_("考点考试须填写考点"),
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.name}"


class CheckIn(models.Model):
    """A candidate checked in at an exam site by ID number (and by face where they consented)."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="check_ins")
    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.PROTECT, related_name="exam_check_ins")
    seat = models.CharField(_("座位号"), max_length=10, blank=True)
    by_face = models.BooleanField(_("人脸核验"), default=False)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("签到时间"), auto_now_add=True)

    scope_paths = _ENROLLMENT_SCOPE

    class Meta:
        verbose_name = _("考点签到")
        verbose_name_plural = _("考点签到")
        constraints = [models.UniqueConstraint(fields=["sitting", "enrollment"], name="checkin_once")]

    def __str__(self):
        return f"{self.sitting_id}/{self.enrollment_id}"


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("答题中")
    SUBMITTED = "submitted", _("已交卷")


class SubmitReason(models.TextChoices):
    CANDIDATE = "candidate", _("考生交卷")
    DEADLINE = "deadline", _("到时自动交卷")
    PROCTORING = "proctoring", _("监考异常强制交卷")


class Attempt(models.Model):
    sitting = models.ForeignKey(Sitting, verbose_name=_("考试场次"), on_delete=models.PROTECT, related_name="attempts")
    enrollment = models.ForeignKey(
        "training.Enrollment", verbose_name=_("项目学员"), on_delete=models.PROTECT, related_name="exam_attempts"
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    # The rules the attempt began with (an exam already started keeps them).
    rule_set = models.ForeignKey("exams.ExamRuleSet", on_delete=models.PROTECT, related_name="+")
    blueprint = models.ForeignKey("exams.Blueprint", on_delete=models.PROTECT, related_name="attempts")
    pass_mark = models.PositiveSmallIntegerField(_("合格分数线"))
    total_points = models.PositiveSmallIntegerField(_("总分"))
    multi_scoring = models.CharField(_("多选计分"), max_length=10, choices=MultiScoring.choices)
    seed = models.BigIntegerField(_("组卷种子"))
    started_at = models.DateTimeField(_("开考时间"))
    deadline = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.OPEN)
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    submit_reason = models.CharField(_("交卷方式"), max_length=12, choices=SubmitReason.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("成绩"), null=True, blank=True)
    passed = models.BooleanField(_("合格"), null=True)
    tab_token = models.CharField(max_length=32)
    face_passed_at = models.DateTimeField(_("开考人脸核验时间"), null=True, blank=True)
    incidents = models.PositiveSmallIntegerField(_("异常次数"), default=0)  # failed checks + focus losses
    flagged = models.BooleanField(_("待审核"), default=False)
    event_count = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    seal_hash = models.CharField(_("封存哈希"), max_length=64, blank=True)

    scope_paths = _ENROLLMENT_SCOPE

    class Meta:
        verbose_name = _("考试记录")
        verbose_name_plural = _("考试记录")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "number"], name="attempt_unique_number"),
            # One open attempt per person at a time.
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(status="open"), name="attempt_one_open_per_enrollment"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.enrollment} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN


class Answer(models.Model):
    """The latest saved answer to one item (its history is in the attempt's events)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey("exams.PaperItem", on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("作答"), max_length=6, blank=True)  # shown letters "AC", or "T"/"F"
    saved_at = models.DateTimeField(_("保存时间"))

    scope_paths = ScopePaths(
        region=("attempt__enrollment__project__region",),
        provider=("attempt__enrollment__project__provider",),
        project=("attempt__enrollment__project",),
        trainee=("attempt__enrollment__trainee",),
    )

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        constraints = [models.UniqueConstraint(fields=["attempt", "item"], name="answer_unique_item")]

    def __str__(self):
        return f"{self.item_id}={self.value}"


class EventKind(models.TextChoices):
    START = "start", _("开考")
    CHECK_IN = "check_in", _("签到")
    FACE = "face", _("人脸核验")
    ANSWER = "answer", _("作答")
    FOCUS = "focus", _("离开页面/退出全屏")
    TAKEOVER = "takeover", _("新页面接管")
    REFUSED = "refused", _("拒绝的请求")
    SUBMIT = "submit", _("交卷")


@pgtrigger.register(pgtrigger.Protect(name="attemptevent_append_only", operation=pgtrigger.Update | pgtrigger.Delete))
class AttemptEvent(models.Model):
    """Append-only evidence: each event carries the hash of the one before; the last hash seals the attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("事件"), max_length=10, choices=EventKind.choices)
    data = models.JSONField(_("内容"), default=dict)
    at = models.DateTimeField(_("时间"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    scope_paths = ScopePaths(
        region=("attempt__enrollment__project__region",),
        provider=("attempt__enrollment__project__provider",),
        project=("attempt__enrollment__project",),
        trainee=("attempt__enrollment__trainee",),
    )

    class Meta:
        verbose_name = _("考试事件")
        verbose_name_plural = _("考试事件")
        ordering = ["attempt", "seq"]
        constraints = [models.UniqueConstraint(fields=["attempt", "seq"], name="attemptevent_unique_seq")]

    def __str__(self):
        return f"{self.attempt_id}#{self.seq} {self.kind}"
