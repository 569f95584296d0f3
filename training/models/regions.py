from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths
from training.validators import validate_division_code


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("市级")
    COUNTY = 3, _("县级")


class Region(models.Model):
    """An administrative division (GB/T 2260): province → city → county (SPEC 四(二) 省市县三级联动)."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True, validators=[validate_division_code])
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    scope_paths = ScopePaths(region=("",), park=("parks",))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | models.Q(level__gt=RegionLevel.PROVINCE, parent__isnull=False),
                name="region_parent_matches_level",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        names, region = [], self
        while region is not None:
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names))


class ChemicalPark(models.Model):
    """化工园区（集中区）: organises the enterprises inside it (SPEC 四(一))."""

    name = models.CharField(_("园区名称"), max_length=128, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="parks")

    scope_paths = ScopePaths(region=("region",), park=("",))

    class Meta:
        verbose_name = _("化工园区")
        verbose_name_plural = _("化工园区")
        ordering = ["name"]

    def __str__(self):
        return self.name
