from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.roles import Role
from training.scope import ScopePaths
from training.validators import (
    id_number_birth_date,
    normalize_id_number,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_post_start_date,
)


class PersonnelClass(models.IntegerChoices):
    """The three classes of people to train (三类人员, SPEC 二(一)). Labels are those of the roster template."""

    DEPUTY_HEAD = 1, _("安全生产分管负责人")
    SAFETY_MANAGER = 2, _("专职安全管理人员")
    TEAM_LEADER = 3, _("班组长")


class IdNumberField(models.CharField):
    """A resident ID number kept in one form (trimmed, check character "X" upper-case) whatever the door: forms,
    the admin and imports (full_clean), save() and bulk_create (pre_save), update() and lookups (get_prep_value).
    In the database and in migrations it is a plain CharField."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_id_number(value) if value else value

    def pre_save(self, model_instance, add):
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class Trainee(models.Model):
    """A person of the three classes, identified by real name and resident ID number (实名制, 三(三))."""

    name = models.CharField(_("姓名"), max_length=64, validators=[validate_name])
    id_number = IdNumberField(_("身份证号"), max_length=18, unique=True, validators=[validate_id_number])
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    enterprise = models.ForeignKey(
        "training.Enterprise", verbose_name=_("所在企业"), on_delete=models.PROTECT, related_name="trainees"
    )
    post_start_date = models.DateField(_("岗位起始日期"), validators=[validate_post_start_date])
    new_or_transferred = models.BooleanField(
        _("新入职或转岗"), default=False, help_text=_("新入职或转岗人员优先纳入培训（四(二)）")
    )
    phone = models.CharField(_("手机号"), max_length=11, validators=[validate_phone])
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths = ScopePaths(
        region=("enterprise__region",),
        park=("enterprise__park",),
        provider=("enrollments__project__provider",),
        project=("enrollments__project",),
        trainee=("",),
    )

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["enterprise", "name"]
        indexes = [models.Index(fields=["personnel_class"])]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        """Shown in lists: enough to tell people apart, not enough to impersonate them."""
        return f"{self.id_number[:6]}********{self.id_number[-4:]}"

    @property
    def birth_date(self):
        return id_number_birth_date(self.id_number)


class User(AbstractUser):
    """An account. Its role says what it may do, its binding (region, park, provider, projects or trainee
    record) says which rows it sees: see training/roles.py and training/scope.py."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.TRAINEE)
    region = models.ForeignKey(
        "training.Region", verbose_name=_("所属地区"), null=True, blank=True, on_delete=models.PROTECT
    )
    park = models.ForeignKey(
        "training.ChemicalPark",
        verbose_name=_("所属化工园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    provider = models.ForeignKey(
        "training.Provider",
        verbose_name=_("所属培训机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    trainee = models.OneToOneField(
        Trainee, verbose_name=_("学员档案"), null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["em", "hr", "si"]) | models.Q(region__isnull=False),
                name="user_region_role_has_region",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="park") | models.Q(park__isnull=False), name="user_park_role_has_park"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="provider") | models.Q(provider__isnull=False),
                name="user_provider_role_has_provider",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="trainee") | models.Q(trainee__isnull=False) | models.Q(is_superuser=True),
                name="user_trainee_role_has_trainee",
            ),
        ]

    # Users are listed by superusers only (no scope_paths).

    def clean(self):
        super().clean()
        if self.role == Role.TRAINEE and self.trainee_id and self.username != self.trainee.id_number:
            from django.core.exceptions import ValidationError

            raise ValidationError({"username": _("学员账号的用户名必须是本人身份证号")})
