"""Writes of regions, parks, enterprises, providers and teachers."""

from django.db import transaction
from django.utils import timezone

from training.models import Enterprise, Provider
from training.validators import normalize_credit_code


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

