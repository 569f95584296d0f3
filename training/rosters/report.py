"""The error report: the uploaded roster back, with a 错误原因 column (empty on good rows), and the template."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from training.rosters import columns as c
from training.rosters.batch import RosterCheck

_PRIVATE = "_"


def _table(check: RosterCheck) -> tuple[list[str], list[list]]:
    frame = check.frame
    headers = [name for name in frame.columns if not name.startswith(_PRIVATE) and name != "row"]
    reasons = [check.row_reason(i) for i in range(len(frame))]
    rows = [[*values, reason] for values, reason in zip(frame[headers].itertuples(index=False), reasons, strict=True)]
    return [*headers, c.ERROR_COLUMN], rows


def error_report_csv(check: RosterCheck) -> bytes:
    """UTF-8 with BOM so that Excel opens it with the right characters."""
    headers, rows = _table(check)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def error_report_xlsx(check: RosterCheck) -> bytes:
    headers, rows = _table(check)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("花名册"))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_template_xlsx() -> bytes:
    """The downloadable template: the headers, one example row, and a sheet of instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("花名册")
    sheet.append(list(c.COLUMNS))
    sheet.append([c.EXAMPLE_ROW[column] for column in c.COLUMNS])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(c.COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column) * 2 + 4)
        # Text format keeps ID numbers, phones and codes exactly as typed (no 1.2E+17).
        for row in range(2, 1002):
            sheet.cell(row=row, column=index).number_format = "@"
    notes = book.create_sheet(_("填写说明"))
    notes.append([_("列名"), _("填写要求")])
    for cell in notes[1]:
        cell.font = bold
    for column, text in c.INSTRUCTIONS:
        notes.append([column, str(text)])
    notes.append([])
    notes.append(
        [_("说明"), _("第1行为表头，请勿修改；第2行为示例，导入前请删除。也可另存为csv（UTF-8或GBK编码）上传。")]
    )
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
