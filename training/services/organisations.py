"""Writes of regions, parks, enterprises, providers and teachers. Each runs full_clean, so the field validators
(credit code, ID number, phone) and the model constraints hold for every door."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models import ChemicalPark, Enterprise, Provider, Region, Teacher
from training.rules import provider_work_error
from training.validators import normalize_credit_code, normalize_id_number, normalize_phone


@transaction.atomic
def enterprise_create(*, credit_code: str, name: str, region, kind: str, park=None, major_hazard=False) -> Enterprise:
    enterprise = Enterprise(
        credit_code=normalize_credit_code(credit_code),
        name=name.strip(),
        region=region,
        park=park,
        kind=kind,
        major_hazard=major_hazard,
    )
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def provider_create(*, name: str, credit_code: str, kind: str, region) -> Provider:
    provider = Provider(name=name.strip(), credit_code=normalize_credit_code(credit_code), kind=kind, region=region)
    provider.full_clean()
    provider.save()
    return provider


@transaction.atomic
def provider_set_status(*, provider: Provider, status: str, reason: str) -> Provider:
    """Suspend, remove (退出, with a public reason: 三(三) 公开曝光) or reinstate a provider."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    provider.status = status
    provider.status_reason = reason.strip()
    provider.status_changed_at = timezone.now()
    provider.full_clean()
    provider.save()
    return provider


def provider_work_refusal(*, provider: Provider, action: str) -> str | None:
    """Why `provider` may not do `action` now (training.rules.provider_work_error), read under a row lock when
    called inside a transaction, so a suspension that commits first is seen; None when it may."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    return provider_work_error(
        name=provider.name,
        status=provider.status,
        status_label=str(provider.get_status_display()),
        reason=provider.status_reason,
        action=action,
    )


def provider_require_working(*, provider: Provider, action: str) -> None:
    """The check every door of a provider's work calls (roster import, enrolment, class creation, fund claims):
    a suspended or removed provider is refused with the reason (ValidationError)."""
    reason = provider_work_refusal(provider=provider, action=action)
    if reason:
        raise ValidationError(reason)


ACTION_ROSTER = _("提交花名册")
ACTION_CLASS = _("开设班级")
ACTION_CLAIM = _("申领工伤预防费")


@transaction.atomic
def region_create(*, code: str, name: str, level: int, parent=None) -> Region:
    """An administrative division (GB/T 2260); the model constraint ties the level to having a parent."""
    region = Region(code=code.strip(), name=name.strip(), level=level, parent=parent)
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def park_create(*, name: str, region) -> ChemicalPark:
    park = ChemicalPark(name=name.strip(), region=region)
    park.full_clean()
    park.save()
    return park


@transaction.atomic
def teacher_create(*, provider: Provider, name: str, id_number: str = "", phone: str = "", title: str = "") -> Teacher:
    teacher = Teacher(
        provider=provider,
        name=name.strip(),
        id_number=normalize_id_number(id_number) or None,
        phone=normalize_phone(phone),
        title=title.strip(),
    )
    teacher.full_clean()
    teacher.save()
    return teacher
