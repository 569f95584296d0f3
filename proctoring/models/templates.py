"""Biometric data at rest: the encrypted 128-d face template and the enrolment photo (kept for a short time);
the append-only history of every template change, and replacements waiting for a reviewer."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from proctoring.models.consent import TRAINEE_SCOPE
from training.scope import ScopePaths


class EnrolmentSource(models.TextChoices):
    CAMERA = "camera", _("本人摄像头采集")
    BULK = "bulk", _("培训机构批量导入")


class TemplateAction(models.TextChoices):
    CREATED = "created", _("新建")
    REPLACED = "replaced", _("替换")
    DELETED = "deleted", _("删除")
    HELD = "held", _("待复核（与原模板差异过大）")
    REJECTED = "rejected", _("复核驳回")


class TemplateChangeSource(models.TextChoices):
    CAMERA = "camera", _("本人摄像头采集")
    BULK = "bulk", _("培训机构批量导入")
    REVIEW = "review", _("人工复核")
    CONSENT = "consent", _("撤回同意或改为线下学习")


class FaceTemplate(models.Model):
    """The reference face of one trainee, encrypted (proctoring.crypto), in its own table: nothing identifying
    but the link to the trainee. One per trainee; re-enrolment replaces it."""

    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), on_delete=models.CASCADE, related_name="face_templates"
    )
    encrypted = models.BinaryField(_("加密模板"))
    model_version = models.CharField(_("模型版本"), max_length=64)
    created_at = models.DateTimeField(_("采集时间"), auto_now_add=True)
    # The photo it was made from (while retention keeps it): the "old photo" of a replacement review.
    photo = models.ForeignKey(
        "proctoring.EnrolmentPhoto", verbose_name=_("采集照片"), null=True, blank=True, on_delete=models.SET_NULL
    )

    scope_paths = TRAINEE_SCOPE

    class Meta:
        verbose_name = _("人脸模板")
        verbose_name_plural = _("人脸模板")
        constraints = [models.UniqueConstraint(fields=["trainee"], name="face_template_one_per_trainee")]

    def __str__(self):
        return f"{self.trainee} · {self.model_version}"


class EnrolmentPhoto(models.Model):
    """The photo a template was made from, encrypted, deleted at `expires_at` (BIOMETRIC_ENROLMENT_PHOTO_...)."""

    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), on_delete=models.CASCADE, related_name="enrolment_photos"
    )
    encrypted = models.BinaryField(_("加密照片"))
    content_type = models.CharField(_("格式"), max_length=32, default="image/jpeg")
    source = models.CharField(_("来源"), max_length=8, choices=EnrolmentSource.choices)
    created_at = models.DateTimeField(_("采集时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("删除时间"), db_index=True)

    scope_paths = TRAINEE_SCOPE

    class Meta:
        verbose_name = _("人脸采集照片")
        verbose_name_plural = _("人脸采集照片")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.trainee} · {self.created_at:%Y-%m-%d %H:%M}"


class BulkJobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class BulkEnrolmentJob(models.Model):
    """A provider's zip of photos named by ID number, processed by a Celery task; `results` has one row per file:
    {"file", "id_number", "outcome": enrolled|refused|unknown_id|no_consent|has_template, "reason"}."""

    provider = models.ForeignKey(
        "training.Provider", verbose_name=_("培训机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    uploaded_by = models.ForeignKey(
        "training.User", verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    archive = models.FileField(_("压缩包"), upload_to="biometrics/bulk/", blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=BulkJobStatus.choices, default=BulkJobStatus.PENDING)
    total = models.PositiveIntegerField(_("文件数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    results = models.JSONField(_("逐个结果"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_paths = ScopePaths(provider=("provider",))  # a provider's staff see their own uploads

    class Meta:
        verbose_name = _("批量人脸导入")
        verbose_name_plural = _("批量人脸导入")
        ordering = ["-created_at"]
        permissions = [("bulk_enrol_faces", _("批量导入人脸照片"))]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()} {self.processed}/{self.total}"

    def counts(self) -> dict[str, int]:
        tally: dict[str, int] = {}
        for row in self.results:
            tally[row["outcome"]] = tally.get(row["outcome"], 0) + 1
        return tally


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    CANCELLED = "cancelled", _("已作废")


class TemplateReview(models.Model):
    """A new face far from the trainee's template (beyond FACE_TOLERANCE): it takes effect only when an HR officer
    or auditor approves it (permission proctoring.review_template). Until then the old template stays in force.
    The new template waits here, encrypted; it is erased when the review is decided or cancelled."""

    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), on_delete=models.CASCADE, related_name="template_reviews"
    )
    encrypted = models.BinaryField(_("加密的新模板"), blank=True, default=b"")
    model_version = models.CharField(_("模型版本"), max_length=64)
    distance = models.FloatField(_("与原模板距离"))
    old_photo = models.ForeignKey(
        EnrolmentPhoto, verbose_name=_("原照片"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_photo = models.ForeignKey(
        EnrolmentPhoto, verbose_name=_("新照片"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("采集人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    review_reason = models.CharField(_("复核理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    scope_paths = TRAINEE_SCOPE

    class Meta:
        verbose_name = _("人脸模板替换复核")
        verbose_name_plural = _("人脸模板替换复核")
        ordering = ["-created_at"]
        permissions = [("review_template", _("复核人脸模板替换"))]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"],
                condition=models.Q(status="pending"),
                name="template_review_one_pending_per_trainee",
            )
        ]

    def __str__(self):
        return f"{self.trainee} · {self.get_status_display()}"


class FaceTemplateEvent(models.Model):
    """Append-only history of a trainee's template: who created, replaced or deleted it, when, why, and how far
    the new face is from the previous one (the trainee sees it on their home page). PostgreSQL refuses UPDATE and
    DELETE of these rows."""

    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="template_events"
    )
    action = models.CharField(_("操作"), max_length=10, choices=TemplateAction.choices)
    source = models.CharField(_("来源"), max_length=10, choices=TemplateChangeSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.CharField(_("原因"), max_length=200)
    distance = models.FloatField(_("与原模板距离"), null=True, blank=True)
    review = models.ForeignKey(
        TemplateReview, verbose_name=_("复核"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    scope_paths = TRAINEE_SCOPE

    class Meta:
        verbose_name = _("人脸模板变更记录")
        verbose_name_plural = _("人脸模板变更记录")
        ordering = ["-created_at", "-pk"]
        triggers = [
            pgtrigger.Protect(name="face_template_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self):
        return f"{self.trainee} · {self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"
