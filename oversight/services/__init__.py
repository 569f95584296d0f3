"""Writes of oversight: baselines, targets and follow-ups. Every door calls these; each checks oversight.rules."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum

from oversight import rules
from oversight.models import Baseline, FollowUp, Target


def _children_sum(region, personnel_class: int, year: int, *, exclude_region=None) -> int | None:
    """The sum of the targets the direct subregions committed to; None when none has one."""
    targets = Target.objects.filter(
        baseline__region__parent=region, baseline__personnel_class=personnel_class, year=year
    )
    if exclude_region is not None:
        targets = targets.exclude(baseline__region=exclude_region)
    return targets.aggregate(total=Sum("people"))["total"]


@transaction.atomic
def set_baseline(
    *, region, personnel_class: int, people: int, enterprises: int = 0, accident_rate_2020=None
) -> Baseline:
    baseline, _created = Baseline.objects.select_for_update().get_or_create(
        region=region, personnel_class=personnel_class
    )
    highest = baseline.targets.aggregate(m=Max("people"))["m"]
    errors = rules.baseline_errors(region_name=region.name, people=people, highest_target=highest)
    if errors:
        raise ValidationError(errors)
    baseline.people, baseline.enterprises, baseline.accident_rate_2020 = people, enterprises, accident_rate_2020
    baseline.save()
    return baseline


@transaction.atomic
def set_target(*, region, personnel_class: int, year: int, people: int) -> Target:
    """Set a region's cumulative target for a year. The parent's baseline row is locked first (it carries the
    limit the subregions share), then the region's own."""
    parent_target = None
    siblings_sum = 0
    if region.parent_id:
        parent = Baseline.objects.select_for_update().filter(
            region_id=region.parent_id, personnel_class=personnel_class
        )
        if parent.exists():
            row = Target.objects.filter(baseline__in=parent, year=year).first()
            if row is not None:
                parent_target = row.people
                siblings_sum = _children_sum(region.parent, personnel_class, year, exclude_region=region) or 0
    baseline = Baseline.objects.select_for_update().filter(region=region, personnel_class=personnel_class).first()
    if baseline is None:
        raise ValidationError([rules.no_baseline_error(region.name)])
    errors = rules.target_errors(
        region_name=region.name,
        year=year,
        target=people,
        baseline=baseline.people,
        children_sum=_children_sum(region, personnel_class, year),
        parent_name=region.parent.name if region.parent_id else "",
        parent_target=parent_target,
        siblings_sum=siblings_sum,
    )
    if errors:
        raise ValidationError(errors)
    target, _created = Target.objects.update_or_create(baseline=baseline, year=year, defaults={"people": people})
    return target


@transaction.atomic
def record_follow_up(*, enterprise, date: datetime.date, method: str, outcome: str, user) -> FollowUp:
    follow_up = FollowUp(enterprise=enterprise, date=date, method=method, outcome=outcome, recorded_by=user)
    follow_up.full_clean()
    follow_up.save()
    return follow_up
