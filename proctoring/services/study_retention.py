"""Retention of study snapshots (SPEC 三(三) and the consent text): called by purge_expired.

- A snapshot that is no flag's evidence is deleted BIOMETRIC_SNAPSHOT_RETENTION_HOURS (24) after it was taken
  (or requested, if the page never sent it).
- Flag evidence is kept while the case is open (not reviewed, appeal pending or still possible) and
  FLAG_EVIDENCE_RETENTION_DAYS after it closed (proctoring.rules.flag_closed_at); then the images are deleted and
  the snapshot rows (verdict, distance, times) stay as the record of the case.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from proctoring.models import Flag, Snapshot
from proctoring.rules import flag_closed_at


def _delete_files(snapshots) -> None:
    for snapshot in snapshots:
        if snapshot.image:
            snapshot.image.delete(save=False)


def purge_unflagged_snapshots(now) -> int:
    cutoff = now - timedelta(hours=float(settings.BIOMETRIC_SNAPSHOT_RETENTION_HOURS))
    expired = Snapshot.objects.filter(Q(taken_at__lte=cutoff) | Q(taken_at__isnull=True, requested_at__lte=cutoff))
    return delete_unflagged_snapshots(expired)


def delete_unflagged_snapshots(snapshots) -> int:
    """Delete the snapshots (images and rows) that are no flag's evidence; evidence waits for its case to close."""
    unflagged = snapshots.filter(flags__isnull=True)
    _delete_files(unflagged.only("pk", "image"))
    deleted, _ = Snapshot.objects.filter(pk__in=list(unflagged.values_list("pk", flat=True))).delete()
    return deleted


def flag_evidence_expires_at(flag: Flag):
    closed = flag_closed_at(
        reviewed_at=flag.reviewed_at,
        appeal_status=flag.appeal_status,
        appeal_decided_at=flag.appeal_decided_at,
        appeal_days=float(settings.FLAG_APPEAL_DAYS),
    )
    return None if closed is None else closed + timedelta(days=float(settings.FLAG_EVIDENCE_RETENTION_DAYS))


def purge_flag_evidence(now) -> int:
    """Delete the images of flags whose case closed more than FLAG_EVIDENCE_RETENTION_DAYS ago."""
    images = 0
    reviewed = Flag.objects.filter(reviewed_at__isnull=False).exclude(appeal_status="pending")
    for flag in reviewed.iterator():
        expires = flag_evidence_expires_at(flag)
        if expires is None or expires > now:
            continue
        # Evidence shared with a case still open stays.
        snapshots = flag.snapshots.exclude(image="").exclude(
            flags__in=Flag.objects.exclude(pk=flag.pk).filter(Q(reviewed_at__isnull=True) | Q(appeal_status="pending"))
        )
        for snapshot in snapshots:
            snapshot.image.delete(save=False)
            Snapshot.objects.filter(pk=snapshot.pk).update(image="", signature=None)
            images += 1
    return images


def purge_study_images(now) -> dict:
    return {"snapshots": purge_unflagged_snapshots(now), "flag_evidence_images": purge_flag_evidence(now)}
