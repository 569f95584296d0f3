"""Submission and automatic grading. Submitting is idempotent: the candidate, the deadline task, the beat sweep
and the proctoring limit may all try; the first one under the row lock wins and the rest see it submitted."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from exams import rules
from exams.models import Attempt, AttemptStatus, EventKind, MultiScoring, SubmitReason
from exams.services.evidence import event_append


def grade(attempt: Attempt) -> tuple[int, dict[str, list[int]]]:
    """(score, {topic: [points got, points possible]}) from the saved answers."""
    answers = dict(attempt.answers.values_list("item_id", "value"))
    partial = attempt.multi_scoring == MultiScoring.PARTIAL
    score, by_topic = 0, {}
    for item in attempt.items.select_related("version"):
        v = item.version
        given = rules.to_original(answers.get(item.pk, ""), item.option_order)
        got = rules.grade_item(kind=v.kind, given=given, correct=v.answer, points=item.points, partial=partial)
        score += got
        cell = by_topic.setdefault(v.topic, [0, 0])
        cell[0] += got
        cell[1] += item.points
    return score, by_topic


@transaction.atomic
def attempt_submit(*, attempt_id: int, reason: str, now=None, flagged: bool = False) -> Attempt:
    """Grade, seal the record, and on a pass mark the enrolment passed and issue the certificate."""
    from exams.services.certificates import certificate_issue

    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.status != AttemptStatus.OPEN:
        return attempt
    score, by_topic = grade(attempt)
    # A late deadline task still submits at the deadline: the time of submission is never after it.
    submitted_at = min(now, attempt.deadline) if reason == SubmitReason.DEADLINE else now
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = submitted_at
    attempt.submit_reason = reason
    attempt.score = score
    attempt.passed = rules.is_pass(score=score, pass_mark=attempt.pass_mark)
    attempt.flagged = attempt.flagged or flagged
    event_append(
        attempt,
        EventKind.SUBMIT,
        {"reason": reason, "score": score, "passed": attempt.passed, "by_topic": by_topic},
        now,
    )
    attempt.seal_hash = attempt.last_hash
    attempt.save()
    if attempt.passed and not attempt.flagged:
        certificate_issue(
            enrollment=attempt.enrollment, score=score, on=timezone.localdate(submitted_at), attempt=attempt
        )
    return attempt


def submit_overdue(*, now=None) -> int:
    """Submit every attempt still open after its deadline (the beat sweep; the eta task does it on time)."""
    now = now or timezone.now()
    ids = list(Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lte=now).values_list("pk", flat=True))
    for attempt_id in ids:
        attempt_submit(attempt_id=attempt_id, reason=SubmitReason.DEADLINE, now=now)
    return len(ids)
