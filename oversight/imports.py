"""The xlsx import of baselines and targets: all or nothing, every row checked by the same services as the page.

Errors are listed as "row N: 列: 原因" (N is the spreadsheet row, the header being row 1)."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight import rules, services
from training import tabular
from training.models import Region
from training.rosters.checks import personnel_class_labels
from training.scope import visible
from training.tabular import SpreadsheetError

REGION, CLASS, ENTERPRISES, PEOPLE, RATE = (
    "行政区划代码",
    "人员类别",
    "应培训企业数",
    "应培训人数",
    "2020年工伤事故发生率",
)
YEAR_COLUMNS = {year: f"{year}年目标" for year in range(rules.FIRST_YEAR, rules.FINAL_YEAR + 1)}
COLUMNS = [REGION, CLASS, ENTERPRISES, PEOPLE, RATE, *YEAR_COLUMNS.values()]
REQUIRED = [REGION, CLASS, PEOPLE]


class ImportRefused(ValueError):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def template_bytes() -> bytes:
    return tabular.xlsx_bytes(COLUMNS, [["370502", "班组长", "120", "3000", "0.850", "600", "1500", "2400", "3000"]])


def _read(source) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (row number, {column: stripped text}); ImportRefused for a file refused as a whole."""
    import openpyxl

    try:
        data = tabular.check_spreadsheet(source)
        if not data.startswith(tabular.ZIP_MAGIC):
            raise SpreadsheetError(_("请上传xlsx表格"))
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a damaged zip
            raise SpreadsheetError(_("文件不是有效的xlsx表格：%(reason)s") % {"reason": str(e)[:200]}) from e
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c or "").strip().rstrip("*＊") for c in next(rows, ())]
        result = []
        for number, values in enumerate(rows, start=2):
            tabular.check_row_count(len(result) + 1)
            cells = {h: ("" if v is None else str(v).strip()) for h, v in zip(header, values, strict=False) if h}
            if any(cells.values()):
                result.append((number, cells))
    except SpreadsheetError as e:
        raise ImportRefused([str(e)]) from e
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused([_("缺少列：%(columns)s") % {"columns": ", ".join(missing)}])
    if not result:
        raise ImportRefused([_("文件为空")])
    return result


def _int(value: str) -> int | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return int(number) if number == int(number) and number >= 0 else None


def import_baselines(user, source) -> int:
    """Import every row or none. Returns the number of rows imported; ImportRefused lists every bad row."""
    rows = _read(source)
    labels = personnel_class_labels()
    regions = {r.code: r for r in visible(user, Region.objects.select_related("parent"))}
    errors: list[str] = []
    parsed = []
    for number, cells in rows:
        row_errors = []
        region = regions.get(cells.get(REGION, ""))
        if region is None:
            row_errors.append(
                f"{REGION}: " + _("“%(code)s”不是您辖区内的行政区划代码") % {"code": cells.get(REGION, "")}
            )
        personnel_class = labels.get(cells.get(CLASS, ""))
        if personnel_class is None:
            row_errors.append(f"{CLASS}: " + _("应为：%(labels)s") % {"labels": "、".join(labels)})
        numbers = {}
        for column in (ENTERPRISES, PEOPLE, *YEAR_COLUMNS.values()):
            text = cells.get(column, "")
            if text == "" and column != PEOPLE:
                continue
            value = _int(text)
            if value is None:
                row_errors.append(f"{column}: " + _("应为非负整数，填写的是“%(value)s”") % {"value": text})
            numbers[column] = value
        rate = None
        if cells.get(RATE, ""):
            try:
                rate = Decimal(cells[RATE])
            except InvalidOperation:
                row_errors.append(f"{RATE}: " + _("应为数字，填写的是“%(value)s”") % {"value": cells[RATE]})
        if row_errors:
            errors.extend(f"row {number}: {reason}" for reason in row_errors)
        else:
            parsed.append((number, region, personnel_class, numbers, rate))
    if errors:
        raise ImportRefused(errors)
    parsed.sort(key=lambda p: (p[1].level, p[0]))  # higher levels first: subregions are checked against them
    with transaction.atomic():
        for number, region, personnel_class, numbers, rate in parsed:
            try:
                services.set_baseline(
                    region=region,
                    personnel_class=personnel_class,
                    people=numbers[PEOPLE],
                    enterprises=numbers.get(ENTERPRISES) or 0,
                    accident_rate_2020=rate,
                )
            except ValidationError as e:
                errors.extend(f"row {number}: {PEOPLE}: {m}" for m in e.messages)
                continue
            for year, column in YEAR_COLUMNS.items():
                if numbers.get(column) is None:
                    continue
                try:
                    services.set_target(
                        region=region, personnel_class=personnel_class, year=year, people=numbers[column]
                    )
                except ValidationError as e:
                    errors.extend(f"row {number}: {column}: {m}" for m in e.messages)
        if errors:
            errors.sort(key=lambda line: int(line.split(":")[0][4:]))
            transaction.set_rollback(True)
            raise ImportRefused(errors)
    return len(parsed)
