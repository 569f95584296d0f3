from django import template

from training.models import PersonnelClass

register = template.Library()


@register.filter
def class_label(value) -> str:
    return PersonnelClass(value).label
