"""Decompression bombs for the upload-limit tests, made in the test (small files whose headers claim huge images)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

from PIL import Image


def jpeg_claiming(width: int = 20000, height: int = 20000) -> bytes:
    """A real ~100 KB JPEG whose frame header (SOF0) claims width × height pixels."""
    noise = Image.effect_noise((256, 256), 64).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)  # marker, length(2), precision(1), height, width
    return bytes(data)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@cache
def png_bomb(side: int = 20000) -> bytes:
    """A valid 1-bit greyscale PNG of side × side pixels (all black): ~50 KB on disk, 400 megapixels decoded."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def zip_bytes(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def corrupt_member(archive: bytes, name: str) -> bytes:
    """The zip with the compressed data of member `name` damaged (reading it fails: zlib error or bad CRC)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        info = zf.getinfo(name)
    data = bytearray(archive)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 10, start + min(info.compress_size, 400), 7):
        data[i] ^= 0x5A
    return bytes(data)
