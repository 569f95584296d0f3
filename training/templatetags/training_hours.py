"""`{{ value|hours }}`: hours as people write them (24, 14.4, 12.75), the same formatting as the rule reasons."""

from django import template

from training.rules import fmt

register = template.Library()


@register.filter
def hours(value):
    if value in (None, ""):
        return "—"
    return fmt(value)
