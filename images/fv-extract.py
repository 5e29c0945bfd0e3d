#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Pulls one FFS file's PE32 section out of a UEFI firmware image (e.g. Shell.efi out of OVMF_CODE.fd).
#
# usage: fv-extract.py FD GUID OUT
#
# Walks every firmware volume (signature "_FVH") in FD, the FFS files in it, and their sections,
# descending into LZMA-compressed GUID-defined sections and firmware-volume-image sections, until it
# finds the file named GUID; writes its PE32 section's body to OUT. Layouts per the PI
# specification, volume 3 (firmware volume header, FFS file header, section headers).
import lzma
import struct
import sys
import uuid

FV_SIGNATURE = b"_FVH"
FFS_ATTRIB_LARGE_FILE = 0x01
SECTION_COMPRESSION = 0x01
SECTION_GUID_DEFINED = 0x02
SECTION_PE32 = 0x10
SECTION_FV_IMAGE = 0x17
LZMA_GUID = uuid.UUID("EE4E5898-3914-4259-9D6E-DC7BD79403CF")


def align(value, to):
    return (value + to - 1) & ~(to - 1)


def sections(data):
    """Yield (type, body) for each section in data, recursing into encapsulations."""
    off = 0
    while off + 4 <= len(data):
        size = int.from_bytes(data[off:off + 3], "little")
        kind = data[off + 3]
        head = 4
        if size == 0xFFFFFF:
            size = struct.unpack_from("<I", data, off + 4)[0]
            head = 8
        if size < head or off + size > len(data):
            return
        body = data[off + head:off + size]
        if kind == SECTION_GUID_DEFINED:
            guid = uuid.UUID(bytes_le=bytes(body[:16]))
            data_off, _attrs = struct.unpack_from("<HH", body, 16)
            payload = data[off + data_off:off + size]
            if guid == LZMA_GUID:
                yield from sections(lzma.decompress(payload, format=lzma.FORMAT_ALONE))
        elif kind == SECTION_COMPRESSION:
            # Only "not compressed"; EFI standard compression is not used by Debian's OVMF.
            if body[4] == 0:
                yield from sections(body[5:])
        else:
            yield kind, body
        off = align(off + size, 4)


def files(fv):
    """Yield (guid, body) for each FFS file in one firmware volume."""
    fv_len = struct.unpack_from("<Q", fv, 32)[0]
    hdr_len = struct.unpack_from("<H", fv, 48)[0]
    ext_off = struct.unpack_from("<H", fv, 52)[0]
    off = hdr_len
    if ext_off:
        off = ext_off + struct.unpack_from("<I", fv, ext_off + 16)[0]
    off = align(off, 8)
    end = min(fv_len, len(fv))
    while off + 24 <= end:
        if fv[off:off + 24] == b"\xff" * 24:
            return
        guid = uuid.UUID(bytes_le=bytes(fv[off:off + 16]))
        attrs = fv[off + 19]
        size = int.from_bytes(fv[off + 20:off + 23], "little")
        head = 24
        if attrs & FFS_ATTRIB_LARGE_FILE:
            size = struct.unpack_from("<Q", fv, off + 24)[0]
            head = 32
        if size < head or off + size > end:
            return
        yield guid, fv[off + head:off + size]
        off = align(off + size, 8)


def volumes(data):
    """Yield every firmware volume found at a 16-byte-aligned offset of data."""
    pos = data.find(FV_SIGNATURE)
    while pos >= 0:
        start = pos - 40
        if start >= 0 and start % 16 == 0:
            yield data[start:]
        pos = data.find(FV_SIGNATURE, pos + 1)


def find_pe32(data, want, depth=0):
    if depth > 4:
        return None
    for fv in volumes(data):
        for guid, body in files(fv):
            for kind, sec in sections(body):
                if kind == SECTION_PE32 and guid == want:
                    return bytes(sec)
                if kind == SECTION_FV_IMAGE:
                    found = find_pe32(sec, want, depth + 1)
                    if found:
                        return found
    return None


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: fv-extract.py FD GUID OUT")
    with open(argv[1], "rb") as f:
        data = f.read()
    pe = find_pe32(data, uuid.UUID(argv[2]))
    if pe is None or pe[:2] != b"MZ":
        sys.exit(f"fv-extract: no PE32 section of file {argv[2]} in {argv[1]}")
    with open(argv[3], "wb") as f:
        f.write(pe)


if __name__ == "__main__":
    main(sys.argv)
