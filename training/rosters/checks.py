"""Per-value rules of a roster row (issue 3 "Rosters"), plain functions over plain values.

The batch check (training/rosters/batch.py) calls them once per distinct value; the ID number and phone rules are
those of training/validators.py (the same functions the Trainee model fields run); class capacity, class personnel
and one-active-project are training.rules (what enrollment_create runs). Each returns the reason, or None.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from training import validators
from training.models import PersonnelClass
from training.rosters.columns import NO, YES
from training.tabular import chinese_labels, choice_labels

_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YES = {YES, "Y", "YES", "TRUE", "1", "是的"}
_NO = {NO, "N", "NO", "FALSE", "0", ""}


def name_error(value: str) -> str | None:
    """姓名: the rule of the Trainee.name field (training.validators.name_error), the same function."""
    return validators.name_error(value)


def personnel_class_labels() -> dict[str, int]:
    """The same labels whatever the UI language (training.tabular.choice_labels)."""
    return choice_labels(PersonnelClass.choices)


def personnel_class_error(label: str, labels: dict[str, int] | None = None) -> str | None:
    labels = labels if labels is not None else personnel_class_labels()
    if (label or "").strip() in labels:
        return None
    expected = "、".join(chinese_labels(PersonnelClass.choices))
    return _("未知类别“%(label)s”，应为：%(choices)s") % {"label": label, "choices": expected}


def parse_date(value: str) -> datetime.date | None:
    """A date as people type it in a spreadsheet: 2023-03-01, 2023/3/1, 2023年3月1日, 20230301."""
    value = (value or "").strip()
    match = _DATE.fullmatch(value) or _COMPACT_DATE.fullmatch(value)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def post_start_date_error(value: str, *, today: datetime.date) -> str | None:
    """岗位起始日期: a real date (the cell's text), then the model field's rule (training.validators)."""
    if not (value or "").strip():
        return _("不能为空")
    date = parse_date(value)
    if date is None:
        return _("“%(value)s”不是有效日期（格式如2023-03-01）") % {"value": value}
    return validators.post_start_date_error(date, today=today)


def yes_no_value(value: str) -> bool | None:
    value = (value or "").strip().upper()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def yes_no_error(value: str) -> str | None:
    if yes_no_value(value) is None:
        return _("应填“是”或“否”，实为“%(value)s”") % {"value": value}
    return None


def enterprise_error(*, registered: bool, in_region: bool, region_name: str) -> str | None:
    """The enterprise must be registered and inside the project's region (its subtree)."""
    if not registered:
        return _("企业未登记（请先由应急管理部门或园区登记该企业）")
    if not in_region:
        return _("企业不在本项目地区（%(region)s）内") % {"region": region_name}
    return None


def duplicate_error(first_row: int) -> str:
    return _("与第%(row)d行重复") % {"row": first_row}


def class_unknown_error(code: str, project_code: str) -> str:
    return _("本项目（%(project)s）没有班级“%(code)s”") % {"project": project_code, "code": code}
