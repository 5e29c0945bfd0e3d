# SPDX-License-Identifier: MIT
# `make deps`: install the Debian packages Strata builds and tests with, only those missing.

DEB_PACKAGES := gcc make binutils git nasm clang qemu-system-x86 qemu-utils mtools dosfstools \
	gdisk xorriso gnu-efi ovmf libcmocka-dev python3 python3-pytest python3-pytest-xdist \
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
DEB_PACKAGES += bzip2
# The iPXE option ROMs QEMU gives its NICs (tests/boot/test_option_rom.py).
DEB_PACKAGES += ipxe-qemu

.PHONY: deps
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: missing Debian packages:" $$missing; \
			echo "deps: run 'make deps' as root, or install them with apt-get"; exit 1; \
		fi; \
		echo "  DEPS    installing" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $$missing; \
	fi
