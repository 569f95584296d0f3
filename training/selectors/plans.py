"""Reads of training plans: their hour totals and the rule check against a rule set (SPEC 二(二)–(四))."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from training.models import Modality, RuleSet, TrainingPlan
from training.rules import ClassRuleValues, plan_errors
from training.selectors.policy import class_rule_values, rule_set_in_force


@dataclass
class PlanCheck:
    rule_set: RuleSet
    rule: ClassRuleValues
    online: Decimal
    offline_theory: Decimal
    offline_practical: Decimal
    has_documentary: bool
    errors: list[str] = field(default_factory=list)

    @property
    def offline(self) -> Decimal:
        return self.offline_theory + self.offline_practical

    @property
    def total(self) -> Decimal:
        return self.online + self.offline

    @property
    def ok(self) -> bool:
        return not self.errors


def plan_totals(plan: TrainingPlan) -> dict[str, Decimal]:
    totals = {m: Decimal(0) for m in Modality.values}
    for course in plan.courses.all():
        totals[course.modality] += course.hours
    return totals


def plan_rule_set(plan: TrainingPlan, on_date: datetime.date | None = None) -> RuleSet:
    """The rule set the plan was submitted under, or the one in force now for a draft."""
    if plan.rule_set_id:
        return plan.rule_set
    return rule_set_in_force(plan.project.region, on_date)


def plan_check(plan: TrainingPlan, rule_set: RuleSet | None = None) -> PlanCheck:
    """The plan's totals and every rule it breaks, with figures."""
    rule_set = rule_set or plan_rule_set(plan)
    rule = class_rule_values(rule_set, plan.personnel_class)
    totals = plan_totals(plan)
    has_documentary = any(c.is_documentary for c in plan.courses.all())
    check = PlanCheck(
        rule_set=rule_set,
        rule=rule,
        online=totals[Modality.ONLINE],
        offline_theory=totals[Modality.OFFLINE_THEORY],
        offline_practical=totals[Modality.OFFLINE_PRACTICAL],
        has_documentary=has_documentary,
    )
    check.errors = plan_errors(
        online=check.online,
        offline_theory=check.offline_theory,
        offline_practical=check.offline_practical,
        has_documentary=has_documentary,
        rule=rule,
    )
    return check
