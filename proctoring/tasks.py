"""Celery tasks of proctoring: face work runs in workers, never in a request or on the websocket event loop.

More machines add capacity: start more `celery -A config worker` processes against the same Redis.
"""

from asgiref.sync import async_to_sync
from celery import shared_task
from channels.layers import get_channel_layer


def study_group(session_id: int) -> str:
    """The channel-layer group of one study page (proctoring.consumers.StudyConsumer joins it)."""
    return f"study.session.{session_id}"


@shared_task(acks_late=True)
def verify_snapshot(snapshot_id: int) -> dict:
    """Verify one study snapshot (a passed check credits its stretch, proctoring.services.study.study_credit) and
    push the verdict, with the verified point and credited seconds, to the page through the channel layer."""
    from proctoring.services.snapshots import snapshot_verify

    result = snapshot_verify(snapshot_id=snapshot_id)
    snapshot_session = _session_of(snapshot_id)
    if snapshot_session is not None:  # None: the frame was deleted with the trainee's data; no page to tell
        async_to_sync(get_channel_layer().group_send)(
            study_group(snapshot_session), {"type": "study.verdict", **result}
        )
    return result


def _session_of(snapshot_id: int) -> int | None:
    from proctoring.models import Snapshot

    return Snapshot.objects.values_list("session_id", flat=True).filter(pk=snapshot_id).first()


@shared_task(acks_late=True)
def bulk_enrolment_task(job_id: int) -> dict:
    """Enrol every photo of a provider's zip (proctoring.services.bulk_enrolment.bulk_enrolment_run); a job that
    fails ends as failed with its reason, never stays running."""
    from proctoring.services.bulk_enrolment import bulk_enrolment_run

    job = bulk_enrolment_run(job_id=job_id)
    return {"job": job.pk, "status": job.status, "processed": job.processed, "counts": job.counts()}


@shared_task
def purge_biometrics_task() -> dict:
    """Celery beat (settings.CELERY_BEAT_SCHEDULE["purge-biometrics"]): delete expired biometric data."""
    from proctoring.services.retention import purge_expired

    return purge_expired()


@shared_task(acks_late=True)
def proxy_rings_task() -> dict:
    """Celery beat (settings.CELERY_BEAT_SCHEDULE["proxy-rings"], nightly): one face under several accounts across
    each province (proctoring.rings.rings_run)."""
    from proctoring.rings import rings_run

    return rings_run()
