"""Writes of regions, parks, enterprises, providers and teachers. Each runs full_clean, so the field validators
(credit code, ID number, phone) and the model constraints hold for every door."""

from django.db import transaction
from django.utils import timezone

from training.models import ChemicalPark, Enterprise, Provider, Region, Teacher
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
