from celery import shared_task


@shared_task(acks_late=True)
def clawback_confirmed_proxies_task() -> int:
    """Beat: claw back paid claims whose trainee's proxy flag was confirmed after payment (idempotent)."""
    from funding.services.clawback import clawback_confirmed_proxies

    return len(clawback_confirmed_proxies())
