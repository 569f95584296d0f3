"""Separate, recorded consent to biometric processing (个人信息保护法 第二十九条: sensitive personal information
needs separate consent), and the other way for those who decline: offline study verified in person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths

TRAINEE_SCOPE = ScopePaths(
    region=("trainee__enterprise__region",),
    park=("trainee__enterprise__park",),
    provider=("trainee__enrollments__project__provider",),
    project=("trainee__enrollments__project",),
    trainee=("trainee",),
)


class ConsentDecision(models.TextChoices):
    CONSENT = "consent", _("同意人脸核验")
    ALTERNATIVE = "alternative_path", _("不同意，改为线下学习（现场核验）")
    WITHDRAW = "withdraw", _("撤回同意")


class BiometricConsent(models.Model):
    """One decision of a trainee, append-only: the latest row is the trainee's current choice.

    A withdrawal records how many templates and photos were deleted with it, so the deletion is on the record.
    """

    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), on_delete=models.CASCADE, related_name="biometric_consents"
    )
    decision = models.CharField(_("选择"), max_length=16, choices=ConsentDecision.choices)
    text_version = models.CharField(_("告知书版本"), max_length=16)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    deleted_templates = models.PositiveIntegerField(_("删除的人脸模板数"), default=0)
    deleted_photos = models.PositiveIntegerField(_("删除的照片数"), default=0)

    scope_paths = TRAINEE_SCOPE

    class Meta:
        verbose_name = _("人脸核验同意记录")
        verbose_name_plural = _("人脸核验同意记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.trainee} · {self.get_decision_display()} · {self.created_at:%Y-%m-%d %H:%M}"
