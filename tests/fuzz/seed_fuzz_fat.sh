#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_fat's corpus: FAT12, FAT16 and FAT32 images from mkfs.fat and mtools, trailing zeroes cut.
set -e
out=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MTOOLS_SKIP_CHECK=1
cd "$tmp"
printf 'hello\n' > small.txt
head -c 20000 /dev/urandom > big.bin

# name, mkfs.fat arguments, size in KiB, block size
make_seed() {
	mkfs.fat $2 -C img "$3" >/dev/null
	mmd -i img ::/EFI ::/EFI/BOOT ::/STRATA ::/Deep ::/Deep/Er
	mcopy -i img big.bin ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i img small.txt ::/STRATA/STAGE1.BIN
	mcopy -i img small.txt ::/readme.txt
	mcopy -i img small.txt '::/A Long File Name With Spaces.txt'
	mcopy -i img small.txt '::/Deep/Er/Nested File.TXT'
	# The fuzzer's prefix: disk length in blocks (LE32), then the 4096-byte-block flag.
	python3 - "$3" "$4" "$out/$1" <<'PY'
import struct, sys
kib, bs, dst = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
data = open("img", "rb").read().rstrip(b"\0")
prefix = struct.pack("<IB3x", kib * 1024 // bs, 1 if bs == 4096 else 0)
open(dst, "wb").write(prefix + data)
PY
	rm -f img
}

make_seed fat12 "-F 12" 1024 512
make_seed fat16 "-F 16 -s 1" 2200 512
make_seed fat32 "-F 32 -s 1 -f 1" 34000 512
make_seed fat12-4k "-F 12 -S 4096 -s 1" 4096 4096
