"""Certificates issued on a pass (online or unified exam), and results imported from unified exams."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.models import PersonnelClass
from training.scope import ENROLLMENT_PATHS

_SCOPE = ENROLLMENT_PATHS.through("enrollment")


class ExternalResult(models.Model):
    """One row of an imported unified-exam result (national platform or a local exam site)."""

    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.PROTECT, related_name="external_results")
    exam_date = models.DateField(_("考试日期"))
    score = models.PositiveSmallIntegerField(_("成绩"))
    passed = models.BooleanField(_("是否合格"))
    site = models.CharField(_("考点"), max_length=100)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    scope_paths = _SCOPE

    class Meta:
        verbose_name = _("统考成绩")
        verbose_name_plural = _("统考成绩")

    def __str__(self):
        return f"{self.enrollment_id} {self.exam_date} {self.score}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


class Certificate(models.Model):
    serial = models.CharField(_("证书编号"), max_length=24, unique=True)
    enrollment = models.OneToOneField(
        "training.Enrollment", verbose_name=_("项目学员"), on_delete=models.PROTECT, related_name="certificate"
    )
    trainee = models.ForeignKey("training.Trainee", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="+")
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    project = models.ForeignKey("training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.PROTECT)
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"))
    score = models.PositiveSmallIntegerField(_("成绩"))
    attempt = models.OneToOneField("exams.Attempt", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    external_result = models.OneToOneField(
        ExternalResult, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    pdf = models.FileField(_("证书PDF"), upload_to="certificates/", blank=True)

    scope_paths = _SCOPE

    class Meta:
        verbose_name = _("培训合格证书")
        verbose_name_plural = _("培训合格证书")
        ordering = ["-issued_on", "serial"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="valid") | ~models.Q(revoked_reason=""),
                name="certificate_revoked_has_reason",
                violation_error_message=_("撤销证书须填写原因"),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("issued_on")), name="certificate_validity_positive"
            ),
        ]

    def __str__(self):
        return self.serial
