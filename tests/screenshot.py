# SPDX-License-Identifier: MIT
"""A screendump's pixels as a PNG (the README's screenshot), written with zlib alone."""
import struct
import zlib
from pathlib import Path


def write_png(path, width, height, rgb):
    """rgb: width * height * 3 bytes, rows top first, as qmp_screendump returns them."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    stride = width * 3
    # Filter type 0 (none) before each row.
    raw = b"".join(b"\0" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return path


def read_png(path):
    """(width, height, rgb) of a PNG write_png wrote: 8-bit RGB, filter 0, one IDAT."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    at, idat = 8, b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            idat += data[at + 8:at + 8 + length]
        at += 12 + length
    raw, stride = zlib.decompress(idat), width * 3
    return width, height, b"".join(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
                                   for y in range(height))
