"""Which rule set is in force for a region on a date (SPEC 二: national default, provinces may tighten)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from training.models import RuleSet
from training.rules import ClassRuleValues


class NoRuleSetError(LookupError):
    pass


def region_chain(region) -> list:
    """The region and its ancestors, most specific first (county → city → province)."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def in_force(rows, region, on_date: datetime.date):
    """The one way every app picks its rule data in force (training's rule sets, exam rules, fund rules): among
    `rows` (a queryset of a model with `region` and `effective_from`), the latest row effective on or before
    `on_date` of the most specific region (county → city → province), else the national row (region empty);
    None when there is none."""
    ids = [r.pk for r in region_chain(region)] if region is not None else []
    by_region = {}
    for row in rows.filter(Q(region__in=ids) | Q(region__isnull=True), effective_from__lte=on_date).order_by(
        "-effective_from"
    ):
        by_region.setdefault(row.region_id, row)
    return next((by_region[region_id] for region_id in [*ids, None] if region_id in by_region), None)


def rule_set_in_force(region, on_date: datetime.date | None = None) -> RuleSet:
    """The training rule set in force for the region on `on_date` (today by default): see in_force."""
    on_date = on_date or timezone.localdate()
    rows = RuleSet.objects.prefetch_related("class_rules").select_related("region")
    rule_set = in_force(rows, region, on_date)
    if rule_set is None:
        raise NoRuleSetError(f"没有在 {on_date:%Y-%m-%d} 生效的培训规则")
    return rule_set


def class_rule_values(rule_set: RuleSet, personnel_class: int) -> ClassRuleValues:
    rule = rule_set.rule_for(personnel_class)
    return ClassRuleValues(
        min_total_hours=rule.min_total_hours,
        max_total_hours=rule.max_total_hours,
        min_offline_percent=rule.min_offline_percent,
        min_practical_percent=rule.min_practical_percent,
        class_capacity=rule.class_capacity,
        documentary_required=rule_set.documentary_required,
        documentary_title=rule_set.documentary_title,
        max_offline_hours_per_day=rule_set.max_offline_hours_per_day,
    )
