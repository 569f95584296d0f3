"""Spreadsheets in and out (issue 7, findings 9 and 10): the ONE place every app writes csv/xlsx and checks an
uploaded one before any parser sees it.

Out: a cell that a spreadsheet program would run as a formula (text starting with = + - @, or a tab / carriage
return before one) is neutralised with a leading apostrophe (`neutralise`); `csv_bytes` and `xlsx_workbook` (an
XlsxWriter workbook with strings_to_formulas off) are what every report and export uses, and the admin's
import-export screens export through `SafeCSV` / `SafeXLSX`.

In: `check_spreadsheet` refuses a file that is too large, an xlsx (zip) with too many members or whose members
inflate beyond the limit (measured by inflating, not trusted from the header: a zip bomb is refused in well under
a second), and `check_row_count` a sheet with too many rows. The limits are settings (SPREADSHEET_*). The web
upload, the Celery roster task, `import_roster` and the admin import screens all call them.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

import tablib
import xlsxwriter
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from import_export.formats import base_formats

# --- Out: neutralising formulas -------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as it may be written: text that a spreadsheet would run as a formula gets a leading apostrophe.
    Numbers, dates and other non-text values are returned as they are (a number is never a formula); lazily
    translated text (gettext_lazy) is text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row: Iterable) -> list:
    return [neutralise(value) for value in row]


def csv_bytes(headers: Iterable, rows: Iterable[Iterable]) -> bytes:
    """A csv file, UTF-8 with BOM (so that Excel shows Chinese), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(neutralise_row(headers))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return out.getvalue().encode("utf-8-sig")


def xlsx_workbook(target) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that writes every string as text: never a formula, never a link. Use with
    `write_rows` (or neutralise each cell) so that the text itself does not start with a formula sign."""
    return xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})


def write_rows(sheet, rows: Iterable[Iterable], *, first_row: int = 0, cell_format=None) -> int:
    """Write `rows` (neutralised) from `first_row`; returns the next free row."""
    index = first_row
    for row in rows:
        sheet.write_row(index, 0, neutralise_row(row), cell_format)
        index += 1
    return index


def xlsx_bytes(headers: Iterable, rows: Iterable[Iterable], *, sheet_name: str = "Sheet1") -> bytes:
    """A one-sheet xlsx: bold header, then the rows, every cell neutralised and written as text or number."""
    out = io.BytesIO()
    book = xlsx_workbook(out)
    sheet = book.add_worksheet(str(sheet_name)[:31])
    write_rows(sheet, [list(headers)], cell_format=book.add_format({"bold": True}))
    write_rows(sheet, rows, first_row=1)
    book.close()
    return out.getvalue()


class _NeutralisingExport:
    """import-export formats whose exports go through `neutralise` first (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT
    only strips a leading "=", and leaves + - @ raw)."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(*(neutralise_row(row) for row in dataset), title=dataset.title)
        if dataset.headers:
            safe.headers = neutralise_row(dataset.headers)
        return super().export_data(safe, **kwargs)


class _CheckedImport:
    """import-export formats that check the file (size, zip members, inflated size) before parsing it and the
    row count after."""

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else bytes(in_stream)
        check_spreadsheet(data)
        if not data.startswith(ZIP_MAGIC):
            data = decode_csv(data)
        dataset = super().create_dataset(data, **kwargs)
        check_row_count(len(dataset))
        return dataset


class SafeCSV(_NeutralisingExport, _CheckedImport, base_formats.CSV):
    """csv: read as bytes (UTF-8 with or without BOM, else GBK/GB18030, as a Chinese Excel saves it)."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"


class SafeXLSX(_NeutralisingExport, _CheckedImport, base_formats.XLSX):
    pass


SAFE_FORMATS = [SafeCSV, SafeXLSX]


# --- In: limits on every uploaded spreadsheet ------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature … file name length, extra field length
_INFLATE_CHUNK = 1 << 16
_INFLATE_OUT = 1 << 20


class SpreadsheetError(ValueError):
    """The uploaded file is refused before (or instead of) parsing. The message is one line for people."""


def _size(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def size_error(size: int) -> str | None:
    limit = settings.SPREADSHEET_MAX_BYTES
    if size <= limit:
        return None
    return _("文件过大：%(size)s，上限为%(limit)s（请拆分后分批上传）") % {
        "size": _size(size),
        "limit": _size(limit),
    }


def check_row_count(rows: int) -> None:
    limit = settings.SPREADSHEET_MAX_ROWS
    if rows > limit:
        raise SpreadsheetError(
            _("行数过多：一个文件最多%(limit)d行数据，本文件超过此数（请拆分后分批上传）") % {"limit": limit}
        )


def _inflated_size(archive: zipfile.ZipFile, raw: io.BytesIO, info: zipfile.ZipInfo, budget: int) -> int:
    """How many bytes the member really inflates to (stops counting past `budget`): the header may lie."""
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != ZIP_MAGIC:
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    raw.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(f"compression method {info.compress_type}")
    inflater, left, total = zlib.decompressobj(-zlib.MAX_WBITS), info.compress_size, 0
    while left > 0 and total <= budget:
        chunk = raw.read(min(left, _INFLATE_CHUNK))
        if not chunk:
            break
        left -= len(chunk)
        while chunk and total <= budget:  # at most 1 MiB of output at a time: memory stays flat
            total += len(inflater.decompress(chunk, min(_INFLATE_OUT, budget + 1 - total)))
            chunk = inflater.unconsumed_tail
    return total


def _check_zip(data: bytes) -> None:
    max_members, max_total = settings.SPREADSHEET_MAX_MEMBERS, settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES
    too_big = _("文件解压后过大（超过%(limit)s），不是正常的花名册表格") % {"limit": _size(max_total)}
    raw = io.BytesIO(data)
    try:
        with zipfile.ZipFile(raw) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise SpreadsheetError(
                    _("xlsx文件包含%(n)d个部件，超过上限%(limit)d，不是正常的表格")
                    % {"n": len(members), "limit": max_members}
                )
            if sum(info.file_size for info in members) > max_total:
                raise SpreadsheetError(too_big)
            total = 0
            for info in members:
                total += _inflated_size(archive, raw, info, max_total - total)
                if total > max_total:
                    raise SpreadsheetError(too_big)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, struct.error) as e:
        raise SpreadsheetError(_("文件不是有效的xlsx表格：%(reason)s") % {"reason": str(e)[:200]}) from e


def check_spreadsheet(source) -> bytes:
    """THE check of an uploaded spreadsheet (csv or xlsx) before it is parsed; returns its bytes.
    `source`: bytes, or an uploaded/stored file (its size is checked before it is read)."""
    if not isinstance(source, bytes | bytearray):
        size = getattr(source, "size", None)
        if size is not None and size_error(size):
            raise SpreadsheetError(size_error(size))
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read()
        if hasattr(source, "seek"):
            source.seek(0)
    else:
        data = bytes(source)
    reason = size_error(len(data))
    if reason:
        raise SpreadsheetError(reason)
    if data.startswith(ZIP_MAGIC):
        _check_zip(data)
    return data


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not) first, then GB18030 (a superset of GBK). Binary data is not a csv."""
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("文件不是表格（请上传xlsx或csv文件）"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("无法识别文件编码（请保存为UTF-8或GBK编码的csv，或xlsx）"))


# --- In: choice labels, the same in every UI language ---------------------------------------------------------


def choice_labels(choices) -> dict[str, object]:
    """Label → value of a choice field, for reading spreadsheets: the Chinese labels of the templates and the
    labels of every UI language, whatever language is active (an English UI must not refuse 专职安全管理人员)."""
    labels: dict[str, object] = {}
    for language, _name in [(settings.LANGUAGE_CODE, ""), *settings.LANGUAGES]:
        with translation.override(language):
            for value, label in choices:
                labels.setdefault(str(label).strip(), value)
    return labels


def chinese_labels(choices) -> list[str]:
    """The labels as the templates spell them, for messages."""
    with translation.override(settings.LANGUAGE_CODE):
        return [str(label) for _value, label in choices]
