"""Writes of rule sets. The national default of SPEC 二(二)–(四) is written here once, as data."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from training.models import ClassRule, PersonnelClass, RuleSet
from training.rules import looser_than_national_errors

NATIONAL_DEFAULT_FROM = datetime.date(2021, 12, 10)  # 人社部函〔2021〕168号
NATIONAL_DEFAULT = {
    PersonnelClass.DEPUTY_HEAD: dict(
        min_total_hours=24, max_total_hours=48, min_offline_percent=60, min_practical_percent=0, class_capacity=40
    ),
    PersonnelClass.SAFETY_MANAGER: dict(
        min_total_hours=24, max_total_hours=48, min_offline_percent=60, min_practical_percent=0, class_capacity=80
    ),
    PersonnelClass.TEAM_LEADER: dict(
        min_total_hours=24, max_total_hours=72, min_offline_percent=60, min_practical_percent=25, class_capacity=80
    ),
}


@transaction.atomic
def rule_set_create(
    *,
    region,
    effective_from: datetime.date,
    name: str,
    class_rules: dict,
    documentary_required: bool = True,
    max_offline_hours_per_day=Decimal(8),
) -> RuleSet:
    """A rule set with one ClassRule per personnel class: class_rules = {personnel_class: {field: value}}."""
    rule_set = RuleSet(
        region=region,
        effective_from=effective_from,
        name=name,
        documentary_required=documentary_required,
        max_offline_hours_per_day=Decimal(str(max_offline_hours_per_day)),
    )
    rule_set.full_clean()
    rule_set.save()
    for personnel_class, values in class_rules.items():
        rule = ClassRule(
            rule_set=rule_set,
            personnel_class=personnel_class,
            **{k: Decimal(v) if "hours" in k or "percent" in k else v for k, v in values.items()},
        )
        rule.full_clean()
        rule.save()
    missing = [str(PersonnelClass(pc).label) for pc in PersonnelClass.values if pc not in class_rules]
    if missing:
        raise ValidationError(f"培训规则须覆盖三类人员，缺少：{'、'.join(missing)}")
    if region is not None:
        _check_not_looser(rule_set)
    return rule_set


def _check_not_looser(rule_set: RuleSet) -> None:
    """Regional rule sets tighten or detail the national one in force on their effective date."""
    from training.selectors.policy import NoRuleSetError, class_rule_values, rule_set_in_force

    try:
        national = rule_set_in_force(None, rule_set.effective_from)
    except NoRuleSetError:
        return
    errors = []
    for pc in PersonnelClass.values:
        errors += looser_than_national_errors(
            regional=class_rule_values(rule_set, pc),
            national=class_rule_values(national, pc),
            label=f"{PersonnelClass(pc).label}：",
        )
    if errors:
        raise ValidationError(errors)


def ensure_national_default() -> RuleSet:
    """Create the national default rule set if it is missing (run after migrate and by load_demo)."""
    existing = RuleSet.objects.filter(region__isnull=True, effective_from=NATIONAL_DEFAULT_FROM).first()
    if existing:
        return existing
    return rule_set_create(
        region=None,
        effective_from=NATIONAL_DEFAULT_FROM,
        name="全国默认（人社部函〔2021〕168号）",
        class_rules=NATIONAL_DEFAULT,
    )
