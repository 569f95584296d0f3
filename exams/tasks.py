"""The server submits an attempt still open at its deadline, whether or not the candidate's browser is there:
a task scheduled with eta at the deadline when the attempt starts, and a beat sweep every 30 s as a safety net
(a lost task, a worker that was down). Both call the same idempotent service."""

from celery import shared_task


@shared_task(acks_late=True)
def submit_at_deadline(attempt_id: int) -> str:
    from django.utils import timezone

    from exams.models import Attempt, AttemptStatus, SubmitReason
    from exams.services.grading import attempt_submit

    attempt = Attempt.objects.filter(pk=attempt_id).values("status", "deadline").first()
    if attempt is None or attempt["status"] != AttemptStatus.OPEN:
        return "done"
    if attempt["deadline"] > timezone.now():  # an early delivery (broker redelivery): try again at the deadline
        submit_at_deadline.apply_async((attempt_id,), eta=attempt["deadline"])
        return "rescheduled"
    attempt_submit(attempt_id=attempt_id, reason=SubmitReason.DEADLINE)
    return "submitted"


@shared_task(acks_late=True)
def submit_overdue() -> int:
    from exams.services.grading import submit_overdue as sweep

    return sweep()
