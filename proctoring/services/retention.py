"""Retention of biometric data (SPEC 三(三)): nothing is kept longer than its setting says.

`purge_expired` is run by `manage.py purge_biometrics` and by Celery beat (proctoring.tasks.purge_biometrics_task,
settings.CELERY_BEAT_SCHEDULE). Each kind of data has one purge step below; the counts are returned.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from proctoring.models import EnrolmentPhoto


def _purge_enrolment_photos(now) -> int:
    """Enrolment photos past expires_at (created_at + BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS)."""
    deleted, _ = EnrolmentPhoto.objects.filter(expires_at__lte=now).delete()
    return deleted


@transaction.atomic
def purge_expired(*, now=None) -> dict:
    """Delete every expired piece of biometric data; returns {kind: number deleted}."""
    now = now or timezone.now()
    counts = {"enrolment_photos": _purge_enrolment_photos(now)}
    from proctoring.services.study_retention import purge_study_images  # study snapshots and flag evidence

    counts.update(purge_study_images(now))
    return counts
