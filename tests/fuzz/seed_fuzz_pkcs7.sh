#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_pkcs7's corpus with the PKCS#7 signatures of Debian's signed shim (two) and GRUB.
set -e
out=$1
fx=${SB_FIXTURES:-build/tests/secure-boot}
[ -r "$fx/shimx64.efi.signed" ] || { echo "seed_fuzz_pkcs7: no fixtures in $fx (make unit-tests)" >&2; exit 0; }
# Each WIN_CERTIFICATE of the table at DataDirectory[4] (PE32+), without its 8-byte header.
python3 - "$fx" "$out" <<'PY'
import struct, sys
fx, out = sys.argv[1], sys.argv[2]
for name in ("shimx64.efi.signed", "grubx64.efi.signed"):
    f = open(f"{fx}/{name}", "rb").read()
    opt = struct.unpack_from("<I", f, 0x3c)[0] + 24
    off, size = struct.unpack_from("<II", f, opt + 112 + 32)
    end, n = off + size, 0
    while off + 8 <= end:
        length = struct.unpack_from("<I", f, off)[0]
        open(f"{out}/{name}-{n}", "wb").write(f[off + 8:off + length])
        off, n = off + ((length + 7) & ~7), n + 1
PY
