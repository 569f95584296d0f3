"""Reading a roster file (xlsx or csv) into a table of strings, one clear error when it is not a roster.

csv may be UTF-8 with or without BOM, or GBK/GB18030 (what Chinese Excel saves). Every cell is read as text so
that ID numbers keep their leading digits and X; the column `row` keeps the spreadsheet row number (header = 1).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

from training import tabular
from training.rosters.columns import (
    COLUMNS,
    EXAMPLE_ROW,
    FIRST_DATA_ROW,
    ID_NUMBER,
    NAME,
    OPTIONAL_COLUMNS,
    PHONE,
    REQUIRED_COLUMNS,
)
from training.tabular import SpreadsheetError

ROW = "row"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


class RosterFileError(SpreadsheetError):
    """The file is not a spreadsheet, is too large, is empty, or lacks columns. The message is one line."""


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        try:
            reason = tabular.size_error(Path(source).stat().st_size)  # never read a huge file to refuse it
            if reason:
                raise RosterFileError(reason)
            return Path(source).read_bytes()
        except OSError as e:
            raise RosterFileError(_("无法读取文件：%(reason)s") % {"reason": e.strerror or e}) from e
    reason = tabular.size_error(getattr(source, "size", None) or 0)
    if reason:
        raise RosterFileError(reason)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not) first, then GB18030 (a superset of GBK). Binary data is not a csv."""
    try:
        return tabular.decode_csv(data)
    except SpreadsheetError as e:
        raise RosterFileError(str(e)) from e


def _read_csv(data: bytes) -> pd.DataFrame:
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    sep = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, skip_blank_lines=False, nrows=_row_cap()
        )
    except pd.errors.EmptyDataError as e:
        raise RosterFileError(_("文件为空")) from e
    except (pd.errors.ParserError, ValueError) as e:
        raise RosterFileError(_("文件不是有效的csv表格：%(reason)s") % {"reason": str(e).strip()[:200]}) from e


def _row_cap() -> int:
    """Read one row past the limit: enough to tell that a file has too many, never the whole of a huge one."""
    return settings.SPREADSHEET_MAX_ROWS + 1


def _xlsx_engine() -> str:
    """calamine (Rust) reads a 100,000-row sheet about ten times faster than openpyxl; openpyxl if it is absent."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "openpyxl"
    return "calamine"


def _read_xlsx(data: bytes) -> pd.DataFrame:
    try:
        frame = pd.read_excel(
            io.BytesIO(data), sheet_name=0, dtype=str, keep_default_na=False, engine=_xlsx_engine(), nrows=_row_cap()
        )
    except Exception as e:  # openpyxl raises many kinds for a damaged or non-xlsx zip
        raise RosterFileError(_("文件不是有效的xlsx表格：%(reason)s") % {"reason": str(e).strip()[:200]}) from e
    return frame


def _clean_header(value) -> str:
    return str(value).strip().replace("\ufeff", "").rstrip("*＊").strip()


def read_roster(source) -> pd.DataFrame:
    """The roster as a DataFrame of stripped strings with the template's columns and `row`; RosterFileError else."""
    data = _read_bytes(source)
    try:
        data = tabular.check_spreadsheet(data)  # size, zip members and inflated size, before any parser
    except SpreadsheetError as e:
        raise RosterFileError(str(e)) from e
    if not data.strip():
        raise RosterFileError(_("文件为空"))
    if data.startswith(_OLE_MAGIC):
        raise RosterFileError(_("不支持旧版xls格式，请另存为xlsx或csv"))
    frame = _read_xlsx(data) if data.startswith(_ZIP_MAGIC) else _read_csv(data)
    return frame_from_table(frame)


def frame_from_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Checks the header and normalises cells; shared by files read here and datasets of the admin's import."""
    try:
        tabular.check_row_count(len(frame))
    except SpreadsheetError as e:
        raise RosterFileError(str(e)) from e
    frame = frame.rename(columns=_clean_header)
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        if len(missing) == len(REQUIRED_COLUMNS) and not len(frame.columns):
            raise RosterFileError(_("文件为空"))
        raise RosterFileError(_("缺少列：%(columns)s") % {"columns": ", ".join(missing)})
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    extras = [column for column in frame.columns if column not in COLUMNS and column != ROW]
    frame = frame.loc[:, list(COLUMNS) + extras]  # extra columns travel back in the error report
    frame = frame.fillna("").astype(str)
    for column in COLUMNS:
        frame[column] = frame[column].str.strip()
    # Excel stores typed-in numbers as floats: "13912345678.0" is the phone number 13912345678.
    frame[PHONE] = frame[PHONE].str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    frame.insert(0, ROW, range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame)))
    # Trailing blank lines of a spreadsheet are not rows of the roster.
    frame = frame[(frame[list(COLUMNS)] != "").any(axis=1)].reset_index(drop=True)
    # The template's example row (张三 with the template's ID number) left in by mistake is not a person: skipped.
    example = (frame[NAME] == EXAMPLE_ROW[NAME]) & (frame[ID_NUMBER].str.upper() == EXAMPLE_ROW[ID_NUMBER])
    frame = frame[~example].reset_index(drop=True)
    if frame.empty:
        raise RosterFileError(_("文件没有数据行（第1行为表头，数据从第2行开始）"))
    return frame
