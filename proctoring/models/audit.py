"""Every view of a biometric image by staff is logged: who, which image, when, why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from proctoring.models.consent import TRAINEE_SCOPE


class ImageKind(models.TextChoices):
    ENROLMENT_PHOTO = "enrolment_photo", _("人脸采集照片")
    SNAPSHOT = "snapshot", _("学习抓拍")
    FLAG_EVIDENCE = "flag_evidence", _("异常证据")


class ImageAccessLog(models.Model):
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    image_kind = models.CharField(_("图像类型"), max_length=16, choices=ImageKind.choices)
    image_id = models.PositiveBigIntegerField(_("图像编号"))
    trainee = models.ForeignKey(
        "training.Trainee", verbose_name=_("学员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("查看原因"), max_length=200)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    viewed_at = models.DateTimeField(_("查看时间"), auto_now_add=True, db_index=True)

    scope_paths = TRAINEE_SCOPE

    class Meta:
        verbose_name = _("图像查看记录")
        verbose_name_plural = _("图像查看记录")
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.viewer} · {self.get_image_kind_display()} #{self.image_id} · {self.viewed_at:%Y-%m-%d %H:%M}"
