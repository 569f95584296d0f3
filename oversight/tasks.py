from celery import shared_task


@shared_task(acks_late=True)
def credit_recalculate_task() -> int:
    """Nightly: recalculate every provider's and teacher's credit; returns how many scores changed (a subject whose
    figures did not move gets no new row, so a redelivered task adds nothing)."""
    from oversight.services.credit import credit_recalculate

    return len(credit_recalculate())
