"""Celery tasks of training: large roster files are checked and imported in a worker, not in the request.

Without REDIS_URL tasks run eagerly in the calling process (see settings), so the demo needs no worker.
"""

from celery import shared_task


@shared_task(acks_late=True)
def roster_check_task(upload_id: int) -> str:
    """Check every row of an uploaded roster (a dry run) and store the preview and the error report."""
    from training.models import RosterImport
    from training.rosters.uploads import roster_upload_check

    return roster_upload_check(upload=RosterImport.objects.get(pk=upload_id)).status


@shared_task(acks_late=True)
def roster_commit_task(upload_id: int) -> str:
    """Import a checked roster in one transaction (progress in the cache, read by the progress endpoint)."""
    from training.models import RosterImport
    from training.rosters.uploads import roster_upload_commit

    return roster_upload_commit(upload=RosterImport.objects.get(pk=upload_id)).status


@shared_task(acks_late=True)
def completion_reconcile_task() -> int:
    """Nightly: re-check the stored completion of every enrolment with hours (training.services.completion)."""
    from training.services.completion import completion_reconcile

    return completion_reconcile()
