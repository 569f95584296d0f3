from django import template

from funding.rules import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Fen (integer) as yuan text, on pages only."""
    return _yuan(int(fen or 0))
