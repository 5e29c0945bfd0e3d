#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_pe's corpus with tests/unit/fixtures/pe_app.c linked two ways: clang + lld-link (real
# DIR64 base relocations) and gcc + gnu-efi + objcopy. A missing toolchain only skips its seed.
set -e
out=$1
src=tests/unit/fixtures/pe_app.c
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if clang --target=x86_64-unknown-windows -ffreestanding -fno-stack-protector -mno-red-zone -O2 \
	-c "$src" -o "$tmp/app.obj" 2>/dev/null &&
	lld-link /subsystem:efi_application /entry:efi_main /nodefaultlib /out:"$tmp/lld.efi" \
		"$tmp/app.obj" >/dev/null 2>&1; then
	cp "$tmp/lld.efi" "$out/lld-efi-app"
	# Also as a boot service driver with 16-byte file alignment: variety the mutator is slow to find.
	lld-link /subsystem:efi_boot_service_driver /entry:efi_main /nodefaultlib /filealign:16 \
		/out:"$tmp/drv.efi" "$tmp/app.obj" >/dev/null 2>&1 && cp "$tmp/drv.efi" "$out/lld-efi-driver"
else
	echo "seed_fuzz_pe: clang/lld-link missing, no lld seed" >&2
fi

lds=/usr/lib/elf_x86_64_efi.lds
if [ -r "$lds" ] && gcc -O2 -ffreestanding -fno-stack-protector -fpic -fshort-wchar -mno-red-zone \
	-c "$src" -o "$tmp/app.o" 2>/dev/null &&
	ld -shared -Bsymbolic -nostdlib -znocombreloc -T "$lds" /usr/lib/crt0-efi-x86_64.o \
		"$tmp/app.o" -o "$tmp/app.so" -L/usr/lib -lgnuefi -lefi 2>/dev/null &&
	objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rela.*' -j .reloc --target efi-app-x86_64 "$tmp/app.so" "$tmp/gnu.efi"; then
	cp "$tmp/gnu.efi" "$out/gnu-efi-app"
else
	echo "seed_fuzz_pe: gnu-efi missing, no gnu-efi seed" >&2
fi
