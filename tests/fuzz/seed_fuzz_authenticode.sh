#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_authenticode's corpus with small images made from Debian's shim: the unsigned one's
# first 64 KiB, and the signed one's headers with no sections, followed by its certificate table
# (two signatures to walk and parse, without a megabyte to hash each run).
set -e
out=$1
fx=${SB_FIXTURES:-build/tests/secure-boot}
[ -r "$fx/shimx64.efi.signed" ] || { echo "seed_fuzz_authenticode: no fixtures in $fx (make unit-tests)" >&2; exit 0; }
head -c 65536 "$fx/shimx64.efi" >"$out/shim-head"
python3 - "$fx/shimx64.efi.signed" "$out/shim-signed-headers" <<'PY'
import struct, sys
f = bytearray(open(sys.argv[1], "rb").read())
pe = struct.unpack_from("<I", f, 0x3c)[0]
opt = pe + 24
headers = struct.unpack_from("<I", f, opt + 60)[0]
off, size = struct.unpack_from("<II", f, opt + 112 + 32)
table = f[off:off + size]
struct.pack_into("<H", f, pe + 6, 0)                 # NumberOfSections
struct.pack_into("<II", f, opt + 112 + 32, headers, size)
open(sys.argv[2], "wb").write(bytes(f[:headers]) + table)
PY
