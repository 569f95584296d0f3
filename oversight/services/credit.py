"""Writes of the credit system (信用体系, SPEC 三(三)): recalculating provider and teacher scores, complaints, and
HR's warnings, suspensions and removals of providers.

A recalculation reads the figures through the selectors of exams (pass rate), proctoring (confirmed flags) and
oversight (spot checks, revisits, complaints), weighs them with the CreditWeights row in force, and appends a
CreditScore row with the parts, the figures and the reasons against the previous row. When nothing moved (same
figures, same weights) no row is added: the history shows changes, and running it twice (a nightly task, the
demo) adds nothing.

A warning is an oversight record only: the provider keeps working. Suspension, removal and reinstatement are
statuses of the provider, owned by training and changed through training's provider_set_status; training's
rule provider_may_work then stops a suspended or removed provider at every door (rosters, classes, claims)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.models import Complaint, CreditScore, ProviderSanction, SanctionAction
from oversight.rules import credit as rules
from oversight.selectors import credit as selectors
from training.models import Provider, ProviderStatus, Teacher
from training.scope import is_visible
from training.services.organisations import provider_set_status

STATUS_OF = {
    SanctionAction.SUSPEND: ProviderStatus.SUSPENDED,
    SanctionAction.REMOVE: ProviderStatus.REMOVED,
    SanctionAction.REINSTATE: ProviderStatus.ACTIVE,
}


def _score(*, figures: dict, on_date, provider=None, teacher=None) -> CreditScore | None:
    weights = selectors.weights_in_force(on_date)
    parts = rules.components(figures, weights=weights.as_dict(), complaint_points=weights.complaint_points)
    score = rules.score_of(parts, weights.as_dict())
    last = selectors.latest_score(provider=provider, teacher=teacher)
    if last is not None and last.weights_id == weights.pk and last.components == parts:
        return None  # nothing moved
    return CreditScore.objects.create(
        provider=provider,
        teacher=teacher,
        score=score,
        previous=last.score if last else None,
        components=parts,
        reasons=rules.reasons(
            last.components if last else None, parts, old_score=last.score if last else None, new_score=score
        ),
        weights=weights,
        computed_at=timezone.now(),
    )


@transaction.atomic
def credit_recalculate(*, providers=None, teachers=None, on_date: datetime.date | None = None) -> list[CreditScore]:
    """Recalculate the credit of `providers` and `teachers` (querysets or lists; None = all of them) and return the
    rows added (a subject whose figures and weights did not change gets none)."""
    providers = Provider.objects.order_by("pk") if providers is None else providers
    teachers = Teacher.objects.order_by("pk") if teachers is None else teachers
    added = []
    for provider in providers:
        row = _score(figures=selectors.provider_figures(provider), on_date=on_date, provider=provider)
        if row:
            added.append(row)
    for teacher in teachers:
        row = _score(figures=selectors.teacher_figures(teacher), on_date=on_date, teacher=teacher)
        if row:
            added.append(row)
    return added


def _allowed(user, perm: str, provider, what: str) -> None:
    if not user.has_perm(perm) or not is_visible(user, provider):
        raise PermissionDenied(_("无权%(what)s") % {"what": what})


@transaction.atomic
def complaint_record(
    *, provider, user, received_on: datetime.date, summary: str, substantiated: bool, teacher=None
) -> Complaint:
    """HR enters a complaint about a provider (and one of its teachers); a substantiated one counts against the
    credit at the next recalculation."""
    _allowed(user, "oversight.add_complaint", provider, _("登记投诉"))
    if teacher is not None and teacher.provider_id != provider.pk:
        raise ValidationError({"teacher": _("教师%(name)s不属于该培训机构") % {"name": teacher.name}})
    complaint = Complaint(
        provider=provider,
        teacher=teacher,
        received_on=received_on,
        summary=summary.strip(),
        substantiated=substantiated,
        recorded_by=user,
    )
    complaint.full_clean()
    complaint.save()
    return complaint


@transaction.atomic
def provider_sanction(*, provider, action: str, reason: str, user) -> ProviderSanction:
    """HR warns, suspends, removes (退出, published with its reason) or reinstates a provider. The record is kept
    in oversight; all but a warning change the provider's status through training's provider_set_status."""
    _allowed(user, "oversight.sanction_provider", provider, _("处理培训机构"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写处理原因（退出时将公开）")})
    if action not in SanctionAction.values:
        raise ValidationError({"action": _("未知的处理方式：%(action)s") % {"action": action}})
    status = STATUS_OF.get(action)
    if status is not None:
        current = Provider.objects.get(pk=provider.pk).status
        if current == status:
            raise ValidationError(
                _("培训机构“%(name)s”已是“%(status)s”状态")
                % {"name": provider.name, "status": ProviderStatus(status).label}
            )
        provider_set_status(provider=provider, status=status, reason=reason)
    return ProviderSanction.objects.create(provider=provider, action=action, reason=reason.strip(), decided_by=user)
