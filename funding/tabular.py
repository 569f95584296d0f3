"""csv and xlsx of the public disclosure, with formulas neutralised in every cell (a cell never starts with = + -
@ raw). A local helper until training/tabular.py (branch doors-a) is in main; then replace `safe_cell` by it."""

from __future__ import annotations

import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, int | float) and value < 0:
        return "'" + str(value)
    return value


HEADER = ["层级", "名称", "季度", "培训人数", "合格人数", "支付金额（元）", "冲正及追回金额（元）"]


def table(data: dict) -> list[list]:
    from funding.disclosure import LEVELS

    out = [HEADER]
    for level, label in LEVELS.items():
        for r in data["levels"][level]:
            out.append([label, r["name"], r["period"], r["trained"], r["passed"], r["paid"], r["reversed"]])
    out.append([])
    out.append(["统筹地区", "年度", "预算上限（元）", "已预留（元）", "净支付（元）", "预算使用率%"])
    for b in data["budgets"]:
        out.append([b["region"], b["year"], b["cap"], b["reserved"], b["net_paid"], b["used_percent"]])
    out.append([])
    out.append(["已退出培训机构", "退出原因"])
    for p in data["removed"]:
        out.append([p["name"], p["reason"]])
    out.append([])
    out.append(["台账记录数", data["entries"], "台账链尾哈希", data["head"]])
    return out


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


def to_xlsx(rows: list[list], sheet: str = "工伤预防费使用情况") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    ws = book.add_worksheet(sheet)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            cell = safe_cell(cell)
            if isinstance(cell, int | float):
                ws.write_number(i, j, cell)
            else:
                ws.write_string(i, j, "" if cell is None else str(cell))
    book.close()
    return buffer.getvalue()
