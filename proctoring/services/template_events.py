"""The record of every face-template change (issue 7 finding 3): who, when, why, and the distance to the previous
template. Written by the service that makes the change, in the same transaction; never updated or deleted."""

from __future__ import annotations

from proctoring.models import FaceTemplateEvent, ReviewStatus, TemplateAction, TemplateChangeSource, TemplateReview
from proctoring.search import scope_bump


def template_event_record(
    *, trainee, action: str, source: str, actor=None, reason: str, distance: float | None = None, review=None
) -> FaceTemplateEvent:
    event = FaceTemplateEvent(
        trainee=trainee,
        action=action,
        source=source,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason[:200],
        distance=None if distance is None else round(float(distance), 4),
        review=review,
    )
    event.full_clean()
    event.save()
    return event


def templates_delete(*, trainee, actor=None, reason: str, source: str = TemplateChangeSource.CONSENT) -> int:
    """Delete the trainee's template (and cancel a replacement waiting for review), recording the deletion.
    The caller holds the trainee's row lock. Returns the number of templates deleted."""
    from proctoring.models import FaceTemplate

    TemplateReview.objects.filter(trainee=trainee, status=ReviewStatus.PENDING).update(
        status=ReviewStatus.CANCELLED, encrypted=b"", review_reason=reason[:200]
    )
    deleted, _ = FaceTemplate.objects.filter(trainee=trainee).delete()
    if deleted:
        scope_bump(trainee_id=trainee.pk)  # no worker's search cache matches it once this commits
        template_event_record(
            trainee=trainee,
            action=TemplateAction.DELETED,
            source=source,
            actor=actor,
            reason=reason,
        )
    return deleted
