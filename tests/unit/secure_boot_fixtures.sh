#!/bin/bash
# SPDX-License-Identifier: MIT
# Fixtures of test_image_verify: Debian's signed shim, GRUB and kernel, the unsigned shim, the
# Debian CA, and sbsigntool + efitools
# to sign test images and write signature lists. Debs come from the image build's cache
# (build/images/debs), else apt-get download; nothing is committed.
#
#   secure_boot_fixtures.sh DEBS_DIR OUT_DIR
set -euo pipefail
debs=$1 out=$2
mkdir -p "$debs" "$out.new/root"

cached() {
	find "$debs" -maxdepth 1 -name "${1}_*.deb" -printf '%f\n' 2>/dev/null | sort -V | tail -n 1 |
		sed "s|^|$debs/|"
}

fetch() {
	local deb
	deb=$(cached "$1")
	if [ -z "$deb" ]; then
		(cd "$debs" && apt-get download -q "$1") >"$out.new/apt.log" 2>&1 ||
			{ cat "$out.new/apt.log" >&2; echo "secure_boot_fixtures: apt-get download $1 failed" >&2; exit 1; }
		deb=$(cached "$1")
	fi
	echo "$deb"
}

kernel_pkg() {
	local meta dep
	meta=$(fetch linux-image-cloud-amd64)
	for dep in $(dpkg-deb -f "$meta" Depends | tr '|,' '\n\n' | sed 's/(.*//; s/[[:space:]]//g'); do
		case $dep in linux-image-[0-9]*-cloud-amd64) echo "$dep"; return ;; esac
	done
	echo "secure_boot_fixtures: no kernel package behind linux-image-cloud-amd64" >&2
	exit 1
}

for pkg in shim-signed shim-unsigned grub-efi-amd64-signed sbsigntool efitools "$(kernel_pkg)"; do
	dpkg-deb -x "$(fetch "$pkg")" "$out.new/root"
done
r=$out.new/root
cp "$r/usr/lib/shim/shimx64.efi.signed" "$out.new/shimx64.efi.signed"
cp "$r/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$out.new/grubx64.efi.signed"
cp "$(ls "$r"/boot/vmlinuz-* | head -n 1)" "$out.new/vmlinuz.signed"
cp "$r/usr/lib/shim/shimx64.efi" "$out.new/shimx64.efi"
cp "$r/usr/share/shim/debian-uefi-ca.der" "$out.new/debian-uefi-ca.der"
rm -rf "$out"
mv "$out.new" "$out"
