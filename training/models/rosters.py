"""Roster uploads (花名册导入): the file a provider uploaded, its check and import, progress and the error report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths


class RosterImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    CHECKING = "checking", _("校验中")
    CHECKED = "checked", _("已校验，待确认导入")
    IMPORTING = "importing", _("导入中")
    DONE = "done", _("已导入")
    REJECTED = "rejected", _("有误，未导入")
    FAILED = "failed", _("文件无法读取")


class RosterImport(models.Model):
    """One uploaded roster file for a project. The rows themselves are checked by training.rosters (one path)."""

    project = models.ForeignKey(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="roster_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("花名册文件"), upload_to="rosters/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    skip_invalid = models.BooleanField(
        _("跳过有误的行"), default=False, help_text=_("不勾选时，任何一行有误则全部不导入")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RosterImportStatus.choices, default=RosterImportStatus.UPLOADED
    )
    message = models.TextField(_("说明"), blank=True)
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    invalid_rows = models.PositiveIntegerField(_("有误行数"), default=0)
    created = models.PositiveIntegerField(_("新建学员"), default=0)
    updated = models.PositiveIntegerField(_("更新学员"), default=0)
    enrolled = models.PositiveIntegerField(_("报名人数"), default=0)
    moved = models.PositiveIntegerField(_("调班人数"), default=0)
    priority = models.PositiveIntegerField(_("新入职或转岗（优先）"), default=0)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    report = models.FileField(_("错误报告"), upload_to="rosters/reports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_paths = ScopePaths(
        region=("project__region",),
        park=("project__park",),
        provider=("project__provider",),
        project=("project",),
    )

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.project.code} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (RosterImportStatus.UPLOADED, RosterImportStatus.CHECKING, RosterImportStatus.IMPORTING)
