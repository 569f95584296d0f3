"""Hours on pages, the same formatting as the rule reasons:

- `{{ value|hours }}`: a figure already in hours (plans, sessions, rule sets): 24, 14.4, 12.75;
- `{{ seconds|seconds_as_hours }}`: credited time, kept in seconds by the ledger and the completion selector,
  shown in hours cut to 0.01 h (never rounded up; a credit under 0.01 h shows as "<0.01").
"""

from django import template

from training.rules import fmt, hours_text

register = template.Library()


@register.filter
def hours(value):
    if value in (None, ""):
        return "—"
    return fmt(value)


@register.filter
def seconds_as_hours(value):
    if value in (None, ""):
        return "—"
    return hours_text(value)
