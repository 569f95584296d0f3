"""The error report: the uploaded roster back, with a 错误原因 column (empty on good rows), and the template.

Both are written by training/tabular.py: a name like =HYPERLINK(…) comes back as text, never as a live formula.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from training import tabular
from training.rosters import columns as c
from training.rosters.batch import RosterCheck

_PRIVATE = "_"
TEMPLATE_TEXT_ROWS = 1000  # rows of the template formatted as text


def _table(check: RosterCheck) -> tuple[list[str], list[list]]:
    frame = check.frame
    headers = [name for name in frame.columns if not name.startswith(_PRIVATE) and name != "row"]
    reasons = [check.row_reason(i) for i in range(len(frame))]
    rows = [[*values, reason] for values, reason in zip(frame[headers].itertuples(index=False), reasons, strict=True)]
    return [*headers, c.ERROR_COLUMN], rows


def error_report_csv(check: RosterCheck) -> bytes:
    """UTF-8 with BOM so that Excel opens it with the right characters."""
    headers, rows = _table(check)
    return tabular.csv_bytes(headers, rows)


def error_report_xlsx(check: RosterCheck) -> bytes:
    headers, rows = _table(check)
    return tabular.xlsx_bytes(headers, rows, sheet_name=_("花名册"))


def roster_template_xlsx() -> bytes:
    """The downloadable template: the headers, one example row, and a sheet of instructions."""
    out = io.BytesIO()
    book = tabular.xlsx_workbook(out)
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    text = book.add_format({"num_format": "@"})  # ID numbers, phones and codes stay as typed (no 1.2E+17)
    sheet = book.add_worksheet(_("花名册"))
    for index, column in enumerate(c.COLUMNS):
        sheet.set_column(index, index, max(14, len(column) * 2 + 4))
        for row in range(1, TEMPLATE_TEXT_ROWS + 1):
            sheet.write_blank(row, index, None, text)
    tabular.write_rows(sheet, [list(c.COLUMNS)], cell_format=header)
    tabular.write_rows(sheet, [[c.EXAMPLE_ROW[column] for column in c.COLUMNS]], first_row=1, cell_format=text)
    notes = book.add_worksheet(_("填写说明"))
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 90)
    bold = book.add_format({"bold": True})
    tabular.write_rows(notes, [[_("列名"), _("填写要求")]], cell_format=bold)
    lines = [[column, str(text)] for column, text in c.INSTRUCTIONS]
    lines += [
        [],
        [_("说明"), _("第1行为表头，请勿修改；第2行为示例，导入前请删除。也可另存为csv（UTF-8或GBK编码）上传。")],
    ]
    tabular.write_rows(notes, lines, first_row=1)
    book.close()
    return out.getvalue()
