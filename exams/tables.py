"""Reading the exam app's spreadsheets (question bank, unified results): the roster import's reader
(training/rosters/reading.py: xlsx or csv, UTF-8 or GBK, every cell as text, one clear error for a bad file)
with this app's columns and the upload limits (size, rows, decompressed size of an xlsx)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from training.rosters.reading import (
    _OLE_MAGIC,
    _ZIP_MAGIC,
    RosterFileError,
    _clean_header,
    _read_bytes,
    _read_csv,
    _read_xlsx,
)

ROW = "row"
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024


class TableFileError(RosterFileError):
    """The file is not a usable table; the message is one line of Chinese."""


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as e:
        raise TableFileError("文件不是有效的xlsx表格") from e
    if unzipped > MAX_UNZIPPED_BYTES:
        raise TableFileError(f"xlsx解压后超过{MAX_UNZIPPED_BYTES // 1024 // 1024}MB，拒绝读取")


def read_table(source, *, columns: tuple[str, ...], required: tuple[str, ...]) -> pd.DataFrame:
    """Stripped strings in `columns` (missing optional columns empty) and `row` (header = row 1)."""
    try:
        data = _read_bytes(source)
    except RosterFileError as e:
        raise TableFileError(str(e)) from e
    if len(data) > MAX_BYTES:
        raise TableFileError(f"文件超过{MAX_BYTES // 1024 // 1024}MB")
    if not data.strip():
        raise TableFileError("文件为空")
    if data.startswith(_OLE_MAGIC):
        raise TableFileError("不支持旧版xls格式，请另存为xlsx或csv")
    try:
        if data.startswith(_ZIP_MAGIC):
            _check_zip(data)
            frame = _read_xlsx(data)
        else:
            frame = _read_csv(data)
    except RosterFileError as e:
        raise TableFileError(str(e)) from e
    return frame_from_table(frame, columns=columns, required=required)


def frame_from_table(frame: pd.DataFrame, *, columns: tuple[str, ...], required: tuple[str, ...]) -> pd.DataFrame:
    """A sheet's cells as the checks read them: shared by files read here and datasets of the admin's import."""
    frame = frame.rename(columns=_clean_header)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise TableFileError("缺少列：" + ", ".join(missing))
    for column in columns:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame.loc[:, list(columns)].fillna("").astype(str)
    for column in columns:
        frame[column] = frame[column].str.strip()
    frame.insert(0, ROW, range(2, 2 + len(frame)))
    frame = frame[(frame[list(columns)] != "").any(axis=1)].reset_index(drop=True)
    if frame.empty:
        raise TableFileError("文件没有数据行（第1行为表头，数据从第2行开始）")
    if len(frame) > MAX_ROWS:
        raise TableFileError(f"超过{MAX_ROWS}行，请分批导入")
    return frame


def safe_cell(value):
    """A cell written to csv/xlsx never starts a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
