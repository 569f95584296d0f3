"""The rules of baselines, targets and coverage (issue 11), as pure functions. Every door (pages, the xlsx import,
load_demo) goes through oversight.services, which calls these."""

from __future__ import annotations

from django.utils.translation import gettext as _

FIRST_YEAR = 2021
FINAL_YEAR = 2024  # full coverage by the end of 2024 (SPEC, targets and progress)
# An enterprise is "far behind" when the share of its people on a roster is below this (percent); see
# settings.OVERSIGHT_BEHIND_PERCENT, which overrides it.
BEHIND_PERCENT = 50


def year_error(year: int) -> str | None:
    if FIRST_YEAR <= year <= FINAL_YEAR:
        return None
    return _("年度应在%(first)d—%(last)d年之间，填写的是%(year)d") % {
        "first": FIRST_YEAR,
        "last": FINAL_YEAR,
        "year": year,
    }


def target_errors(
    *,
    region_name: str,
    year: int,
    target: int,
    baseline: int,
    children_sum: int | None = None,
    parent_name: str = "",
    parent_target: int | None = None,
    siblings_sum: int = 0,
) -> list[str]:
    """Why a cumulative target of `target` people for `year` is refused, with the figures; [] if it stands.

    - it may not exceed the region's baseline;
    - the final year's (2024) target is 100 % of the baseline;
    - a region's target may not be below the sum its subregions committed to (`children_sum`);
    - a subregion's target may not push the sum of its parent's subregions above the parent's own target
      (`parent_target`, with `siblings_sum` the other subregions' targets)."""
    errors = []
    reason = year_error(year)
    if reason:
        errors.append(reason)
    if target > baseline:
        errors.append(
            _("%(region)s%(year)d年目标%(target)d人超过其培训基数%(baseline)d人")
            % {"region": region_name, "year": year, "target": target, "baseline": baseline}
        )
    elif year == FINAL_YEAR and target != baseline:
        errors.append(
            _("%(region)s%(year)d年目标须达到培训基数的100%%（%(baseline)d人），填写的是%(target)d人")
            % {"region": region_name, "year": year, "target": target, "baseline": baseline}
        )
    if children_sum is not None and target < children_sum:
        errors.append(
            _("%(region)s%(year)d年目标%(target)d人低于所辖县区已承诺目标之和%(sum)d人")
            % {"region": region_name, "year": year, "target": target, "sum": children_sum}
        )
    if parent_target is not None and siblings_sum + target > parent_target:
        errors.append(
            _(
                "%(parent)s%(year)d年目标为%(parent_target)d人，所辖县区目标之和将达%(sum)d人（本地%(target)d人），超过上级目标"
            )
            % {
                "parent": parent_name,
                "year": year,
                "parent_target": parent_target,
                "sum": siblings_sum + target,
                "target": target,
            }
        )
    return errors


def baseline_errors(*, region_name: str, people: int, highest_target: int | None) -> list[str]:
    """A baseline may not be lowered below a target already set against it."""
    if highest_target is not None and people < highest_target:
        return [
            _("%(region)s培训基数%(people)d人低于已设定的目标%(target)d人")
            % {"region": region_name, "people": people, "target": highest_target}
        ]
    return []


def share(part: int, whole: int) -> int | None:
    """Percent of `whole`, rounded down; None when there is nothing to measure against."""
    if not whole:
        return None
    return part * 100 // whole


def gap(part: int, whole: int | None) -> int | None:
    if whole is None:
        return None
    return max(0, whole - part)


def is_behind(*, people: int, enrolled: int, threshold: int = BEHIND_PERCENT) -> bool:
    """An enterprise to follow up: nobody enrolled, or the share enrolled below `threshold` percent."""
    if people == 0:
        return False
    return enrolled == 0 or enrolled * 100 < threshold * people


def no_baseline_error(region_name: str) -> str:
    return _("%(region)s尚未填写该类人员的培训基数，请先填写基数再设定目标") % {"region": region_name}
