from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths
from training.validators import validate_credit_code, validate_id_number, validate_phone


class EnterpriseKind(models.TextChoices):
    """The five kinds of hazardous-chemical enterprise in scope (SPEC 二(一))."""

    PRODUCTION = "production", _("需应急管理部门许可的危险化学品生产企业")
    STORAGE = "storage", _("储存设施构成重大危险源的经营企业")
    USING = "using", _("使用危险化学品从事生产的化工企业")
    FINE_CHEMICAL = "fine", _("涉及重点监管危险化工工艺、构成重大危险源的精细化工企业")
    PHARMA = "pharma", _("化学合成类药品生产企业")


class Enterprise(models.Model):
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("企业名称"), max_length=200)
    region = models.ForeignKey(
        "training.Region", verbose_name=_("所在区县"), on_delete=models.PROTECT, related_name="enterprises"
    )
    park = models.ForeignKey(
        "training.ChemicalPark",
        verbose_name=_("所在化工园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    kind = models.CharField(_("企业类型"), max_length=16, choices=EnterpriseKind.choices)
    major_hazard = models.BooleanField(_("构成重大危险源"), default=False, help_text=_("经费不足时优先保障（二(一)）"))

    scope_paths = ScopePaths(
        region=("region",),
        park=("park",),
        provider=("trainees__enrollments__project__provider",),
        project=("trainees__enrollments__project",),
        trainee=("trainees",),
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderKind(models.TextChoices):
    """Who may train (SPEC 二(五))."""

    ENTERPRISE_CENTRE = "enterprise", _("大中型化工企业内部培训机构")
    ASSOCIATION = "association", _("行业协会")
    INSTITUTION = "institution", _("专业教育培训机构")


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    REMOVED = "removed", _("已退出")  # 一经发现即予退出，并公开曝光 (三(三))


class Provider(models.Model):
    name = models.CharField(_("机构名称"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    kind = models.CharField(_("机构类型"), max_length=16, choices=ProviderKind.choices)
    region = models.ForeignKey(
        "training.Region", verbose_name=_("注册地区"), on_delete=models.PROTECT, related_name="providers"
    )
    status = models.CharField(_("状态"), max_length=16, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE)
    status_reason = models.TextField(_("状态原因（公开）"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    scope_paths = ScopePaths(
        region=("region", "projects__region"),
        provider=("",),
        project=("projects",),
    )

    class Meta:
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ProviderStatus.REMOVED) | ~models.Q(status_reason=""),
                name="provider_removed_has_public_reason",
                violation_error_message=_("退出的培训机构必须写明公开原因"),
            ),
        ]

    def __str__(self):
        return self.name


class Teacher(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="teachers"
    )
    name = models.CharField(_("姓名"), max_length=64)
    id_number = models.CharField(
        _("身份证号"), max_length=18, unique=True, null=True, blank=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_phone])
    title = models.CharField(_("职称/资质"), max_length=100, blank=True)

    scope_paths = ScopePaths(
        region=("provider__region", "provider__projects__region"),
        provider=("provider",),
        project=("provider__projects",),
    )

    class Meta:
        verbose_name = _("培训教师")
        verbose_name_plural = _("培训教师")
        ordering = ["provider", "name"]

    def __str__(self):
        return self.name
