"""Face search at scale: the version of each search scope, the tolerance as rule data, and proxy rings.

* `FaceSearchScope`: a counter per scope of the per-project proxy search (a provider, or a project without one).
  Every change of a template in it bumps the counter in the same transaction (proctoring.search.scope_bump), and a
  worker compares the counter before each search, so a withdrawn or replaced template is never matched after the
  change commits (proctoring.search).
* `FaceTolerance`: the distance under which two faces are one person, with an effective date and who set it.
  proctoring.faces.tolerance() reads the row in force; the FACE_TOLERANCE setting is only the default.
* `ProxyRing`: one face under several accounts across a province (the nightly job, proctoring.rings), one flag for
  the province's reviewers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths


class ScopeKind(models.TextChoices):
    PROVIDER = "provider", _("培训机构")
    PROJECT = "project", _("培训项目")


class FaceSearchScope(models.Model):
    kind = models.CharField(_("范围类型"), max_length=8, choices=ScopeKind.choices)
    object_id = models.BigIntegerField(_("对象"))
    version = models.PositiveBigIntegerField(_("版本"), default=0)
    changed_at = models.DateTimeField(_("变更时间"), auto_now=True)

    class Meta:
        verbose_name = _("人脸检索范围")
        verbose_name_plural = _("人脸检索范围")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="face_search_scope_unique")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} v{self.version}"


class FaceTolerance(models.Model):
    """The face-distance tolerance from `effective_from` on (national: one model and one detector for all)."""

    value = models.DecimalField(_("阈值"), max_digits=4, decimal_places=3)
    effective_from = models.DateField(_("生效日期"))
    reason = models.TextField(_("调整理由"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人脸核验阈值")
        verbose_name_plural = _("人脸核验阈值")
        ordering = ["-effective_from", "-pk"]
        permissions = [
            ("calibrate_faces", _("查看人脸核验校准")),
            ("set_face_tolerance", _("调整人脸核验阈值")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte="0.2", value__lte="0.9"), name="face_tolerance_value_range"
            )
        ]

    def __str__(self):
        return f"{self.value} ({self.effective_from})"


class RingStatus(models.TextChoices):
    OPEN = "open", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")


class ProxyRing(models.Model):
    """Accounts sharing one face across a province. `members`: [{"trainee", "name", "providers": [...],
    "projects": [...]}]; `links`: [{"a", "b", "distance"}] (trainee ids, the edges that joined the cluster)."""

    province = models.ForeignKey(
        "training.Region", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="proxy_rings"
    )
    key = models.CharField(_("成员标识"), max_length=64, help_text=_("成员学员编号排序后的摘要"))
    members = models.JSONField(_("账号"), default=list)
    links = models.JSONField(_("距离"), default=list)
    size = models.PositiveIntegerField(_("账号数"))
    min_distance = models.FloatField(_("最小距离"))
    status = models.CharField(_("审核状态"), max_length=10, choices=RingStatus.choices, default=RingStatus.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.TextField(_("审核理由"), blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    seen_at = models.DateTimeField(_("最近一次发现"), auto_now=True)

    # The reviewers of the province: officers bound to the province itself (a city officer sees only their city).
    scope_paths = ScopePaths(region=("province",))

    class Meta:
        verbose_name = _("跨账号同一人脸（代学团伙）")
        verbose_name_plural = _("跨账号同一人脸（代学团伙）")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["province", "key"], name="proxy_ring_unique_members")]

    def __str__(self):
        return f"{self.province} · {self.size}"
