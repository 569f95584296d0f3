"""The stored completion of enrolments (Enrollment.trained_on), kept equal to the completion rule of
training.selectors.completion.

It is written where the facts change, in the same transaction: hours credited, voided or restored
(training.services.hours), a lesson watched to its end (training.services.lessons: the documentary), a plan
submitted, approved or returned, or its courses changed (training.services.plans). So a dashboard reading
`trained_on` is always current. One fact can also change without a write: the rule set in force for a region whose
plan is still a draft (a new rule set takes effect on its date); `completion_reconcile` re-checks every enrolment
with credited hours and runs nightly (CELERY_BEAT_SCHEDULE "completion-reconcile").

trained_on is the day of the latest live credit when the enrolment first became complete; it stays while the
enrolment stays complete (later hours do not move it) and is cleared when it no longer is (a void).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from training.models import CreditedHours, Enrollment
from training.selectors.completion import COMPLETION_CHUNK, progress_for_enrollments


def _latest_credit_dates(ids: list[int]) -> dict[int, object]:
    rows = (
        CreditedHours.objects.filter(enrollment_id__in=ids, voided_at__isnull=True)
        .values("enrollment_id")
        .annotate(last=Max("created_at"))
    )
    return {r["enrollment_id"]: r["last"] for r in rows}


def _store(enrollments: list[Enrollment]) -> int:
    """Evaluate the rule on `enrollments` and write the ones whose stored state differs; returns how many."""
    if not enrollments:
        return 0
    complete = {p.enrollment.pk for p in progress_for_enrollments(enrollments) if p.complete}
    latest = _latest_credit_dates([e.pk for e in enrollments if e.pk in complete and e.trained_on is None])
    changed = []
    for e in enrollments:
        if e.pk in complete and e.trained_on is None:
            e.trained_on = timezone.localdate(latest[e.pk]) if latest.get(e.pk) else timezone.localdate()
            changed.append(e)
        elif e.pk not in complete and e.trained_on is not None:
            e.trained_on = None
            changed.append(e)
    Enrollment.objects.bulk_update(changed, ["trained_on"])
    return len(changed)


def _load(ids) -> list[Enrollment]:
    return list(Enrollment.objects.filter(pk__in=list(ids)).select_related("trainee", "project__region"))


@transaction.atomic
def completion_refresh(*, enrollment_ids) -> int:
    """Re-evaluate the completion of these enrolments and store it (call it after writing one of the facts)."""
    ids = sorted(set(enrollment_ids))
    changed = 0
    for start in range(0, len(ids), COMPLETION_CHUNK):
        changed += _store(_load(ids[start : start + COMPLETION_CHUNK]))
    return changed


def completion_refresh_plan(*, plan) -> int:
    """A plan's status, rule set or courses changed: re-evaluate the enrolments it governs."""
    ids = Enrollment.objects.filter(
        project_id=plan.project_id, trainee__personnel_class=plan.personnel_class
    ).values_list("pk", flat=True)
    return completion_refresh(enrollment_ids=ids)


def completion_reconcile() -> int:
    """Re-check every enrolment that has credited hours or a stored completion (the nightly safety net for a
    rule set that took effect by date); returns how many stored states were corrected."""
    candidates = Enrollment.objects.filter(credited_hours__isnull=False).values_list("pk", flat=True).distinct()
    stored = Enrollment.objects.filter(trained_on__isnull=False).values_list("pk", flat=True)
    return completion_refresh(enrollment_ids=set(candidates) | set(stored))
