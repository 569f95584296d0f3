"""csv and xlsx of the public disclosure through training/tabular.py, the one formula-safe writer (a cell never
starts with = + - @ raw; XlsxWriter with strings_to_formulas off)."""

from __future__ import annotations

from training.tabular import csv_bytes, xlsx_bytes

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
    return csv_bytes(rows[0], rows[1:])


def to_xlsx(rows: list[list], sheet: str = "工伤预防费使用情况") -> bytes:
    return xlsx_bytes(rows[0], rows[1:], sheet_name=sheet)
