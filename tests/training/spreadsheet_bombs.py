"""Hostile spreadsheets for the upload-limit tests (issue 7, finding 10), built in the test, never stored."""

import io
import struct
import zipfile

# A real sheet XML row, repeated: deflate squeezes ~260 MB of it into about 1 MB.
_ROW = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>' * 16000
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData>'
)


def xlsx_bomb(megabytes: int = 260) -> bytes:
    """A zip that looks like an xlsx and inflates to `megabytes` MB of one sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_HEAD)
            for _ in range(megabytes * 1024 * 1024 // len(_ROW) + 1):
                sheet.write(_ROW)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def lying_bomb(megabytes: int = 8) -> bytes:
    """A bomb whose headers claim each member inflates to 100 bytes: only inflating tells the truth."""
    data = bytearray(xlsx_bomb(megabytes))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        members = archive.infolist()
    for info in members:
        if info.file_size < 0xFFFFFFFF and info.compress_size < 0xFFFFFFFF:
            struct.pack_into("<L", data, info.header_offset + 22, 100)  # local header: uncompressed size
    start = bytes(data).rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<L", data, start + 16)[0]  # central directory
    while data[offset : offset + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, offset + 28)
        struct.pack_into("<L", data, offset + 24, 100)
        offset += 46 + name_length + extra_length + comment_length
    return bytes(data)


def many_members(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            archive.writestr(f"xl/part{i}.xml", b"<x/>")
    return out.getvalue()
