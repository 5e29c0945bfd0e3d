#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_eltorito's corpus with xorriso ISOs (BIOS default + EFI section; EFI alone) from sector 16.
set -e
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/t/b"
dd if=/dev/zero of="$tmp/t/b/bios.bin" bs=2048 count=1 2>/dev/null
mkfs.fat -C "$tmp/t/b/efi.img" 64 >/dev/null
xorriso -as mkisofs -quiet -o "$tmp/a.iso" -b b/bios.bin -no-emul-boot -eltorito-alt-boot \
	-e b/efi.img -no-emul-boot "$tmp/t" 2>/dev/null
xorriso -as mkisofs -quiet -o "$tmp/b.iso" -e b/efi.img -no-emul-boot "$tmp/t" 2>/dev/null
for f in a b; do
	dd if="$tmp/$f.iso" of="$out/xorriso-$f" bs=2048 skip=16 2>/dev/null
done
