from django import template

from funding.rules import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Fen (integer) as yuan text, on pages only."""
    return _yuan(int(fen or 0))


@register.filter
def percent_bp(bp) -> str:
    """Basis points (万分比) as a percent: 300 → "3%", 350 → "3.5%"."""
    return f"{int(bp or 0) / 100:g}%"
