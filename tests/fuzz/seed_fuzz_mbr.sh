#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_mbr's corpus with a 64 KiB disk: an ESP, an extended partition and two logical ones.
set -e
out=$1
python3 - "$out/mbr-extended-chain" <<'PY'
import struct, sys
disk = bytearray(128 * 512)
def put(lba, index, ptype, start, count):
    off = lba * 512 + 446 + 16 * index
    disk[off:off + 16] = struct.pack("<B3sB3sII", 0, b"\0\0\0", ptype, b"\0\0\0", start, count)
    disk[lba * 512 + 510:lba * 512 + 512] = b"\x55\xaa"
put(0, 0, 0xef, 8, 16)
put(0, 1, 0x05, 32, 96)
put(32, 0, 0x83, 1, 20)
put(32, 1, 0x05, 40, 40)
put(72, 0, 0x07, 2, 30)
open(sys.argv[1], "wb").write(disk)
PY
