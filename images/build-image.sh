#!/bin/bash
# SPDX-License-Identifier: MIT
# The one script behind every images/*.recipe: fetch Debian payload packages, build the shared
# busybox initramfs, build an image from a recipe, write the manifest (see images/README.md).
#
#   build-image.sh fetch RECIPE...          download (once, cached) and unpack the recipes' packages
#   build-image.sh initramfs OUT            the busybox initramfs every Linux image boots
#   build-image.sh build RECIPE OUT         one disk image
#   build-image.sh manifest OUT RECIPE...   image, sizes, digests and package versions
#
# Environment (mk/images.mk sets it): IMAGES_BUILD (build/images), MKIMAGE, IMAGES_STAGE1,
# IMAGES_RUNTIME, SOURCE_DATE_EPOCH. Nothing is installed into the system: packages are only
# unpacked with dpkg-deb under $IMAGES_BUILD/root.
set -euo pipefail

IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TREE=$(dirname "$IMAGES_DIR")
IMAGES_BUILD=${IMAGES_BUILD:-$TREE/build/images}
mkdir -p "$IMAGES_BUILD/debs"
IMAGES_BUILD=$(cd "$IMAGES_BUILD" && pwd)
BUILD=${BUILD:-$(dirname "$IMAGES_BUILD")}
DEBS=$IMAGES_BUILD/debs
ROOT=$IMAGES_BUILD/root
INITRD=$IMAGES_BUILD/initramfs.cpio.gz
RECIPE="" NAME="" WORK="" KERNEL=""
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
export LC_ALL=C TZ=UTC

die() {
	echo "build-image: $*" >&2
	exit 1
}

# Recipe lines without comments and blank lines, as "VERB ARGS".
recipe_lines() {
	sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d' "$1"
}

# The cached .deb of a package (highest version when several are cached), or nothing.
cached_deb() {
	local name=$1
	find "$DEBS" -maxdepth 1 -name "${name}_*.deb" -printf '%f\n' 2>/dev/null |
		sort -V | tail -n 1 | sed "s|^|$DEBS/|"
}

# Download a package into the cache unless a copy is there: repeated builds do no network.
# apt-get update only when a download fails, e.g. on a machine whose lists are empty or stale.
apt_download() {
	(cd "$DEBS" && apt-get download -q "$1") >"$DEBS/.apt.log" 2>&1
}

fetch_deb() {
	local name=$1 deb
	deb=$(cached_deb "$name")
	if [ -z "$deb" ]; then
		echo "  APT     $name" >&2
		if ! apt_download "$name"; then
			echo "  APT     update (download of $name failed)" >&2
			if ! apt-get update -q >"$DEBS/.apt.log" 2>&1 || ! apt_download "$name"; then
				cat "$DEBS/.apt.log" >&2
				die "apt-get download $name failed (apt-get update needs root)"
			fi
		fi
		deb=$(cached_deb "$name")
		[ -n "$deb" ] || die "apt-get download $name left no .deb in $DEBS"
	fi
	echo "$deb"
}

# "package NAME [GLOB]": the package's .deb, then those of its dependencies whose names match
# GLOB (how a metapackage such as linux-image-cloud-amd64 leads to the real kernel package).
package_debs() {
	local name=$1 glob=${2:-} deb dep
	deb=$(fetch_deb "$name")
	echo "$deb"
	[ -n "$glob" ] || return 0
	# shellcheck disable=SC2020  # both separators become newlines
	for dep in $(dpkg-deb -f "$deb" Depends | tr '|,' '\n\n' | sed 's/(.*//; s/[[:space:]]//g'); do
		# shellcheck disable=SC2053  # GLOB is a pattern on purpose
		if [[ $dep == $glob ]]; then
			fetch_deb "$dep"
		fi
	done
}

# Every .deb a recipe names, one path a line.
recipe_debs() {
	local verb args
	recipe_lines "$1" | while read -r verb args; do
		if [ "$verb" = package ]; then
			# shellcheck disable=SC2086  # NAME [GLOB]
			package_debs $args
		fi
	done
}

cmd_fetch() {
	local debs deb
	[ $# -gt 0 ] || die "fetch: no recipe"
	debs=$(for recipe in "$@"; do recipe_debs "$recipe"; done | sort -u)
	# A fresh root each time, so a package dropped from the recipes leaves nothing behind.
	rm -rf "$ROOT.new"
	mkdir -p "$ROOT.new"
	for deb in $debs; do
		dpkg-deb -x "$deb" "$ROOT.new"
	done
	# The top Makefile -includes every *.d under build/ (dependency files); folders such as
	# etc/grub.d must not look like one. No recipe needs them.
	find "$ROOT.new" -depth -type d -name '*.d' -exec rm -rf {} +
	rm -rf "$ROOT"
	mv "$ROOT.new" "$ROOT"
}

# The one kernel the unpacked packages hold.
find_kernel() {
	local kernels
	kernels=$(find "$ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort)
	[ -n "$kernels" ] || die "no kernel in $ROOT/boot: run the fetch step (make images)"
	[ "$(echo "$kernels" | wc -l)" = 1 ] || die "several kernels in $ROOT/boot: $kernels"
	echo "$kernels"
}

# The shared library a dynamic ELF names (NEEDED), from the unpacked packages.
find_lib() {
	local dir
	for dir in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64; do
		if [ -e "$ROOT/$dir/$1" ]; then
			echo "$ROOT/$dir/$1"
			return 0
		fi
	done
	die "initramfs: no $1 in the unpacked packages (a recipe lacks its package)"
}

# A dynamic program from the unpacked packages into the initramfs, with every library it needs
# (recursively) and the dynamic loader in /lib/x86_64-linux-gnu, /lib64 linking to the latter
# (the PT_INTERP of x86-64 programs).
copy_program() {
	local src=$1 stage=$2 lib path todo=() copied=" "
	cp "$src" "$stage/bin/"
	mkdir -p "$stage/lib/x86_64-linux-gnu" "$stage/lib64"
	ln -sf /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$stage/lib64/ld-linux-x86-64.so.2"
	mapfile -t todo < <(needed_libs "$src")
	todo+=(ld-linux-x86-64.so.2)
	while [ ${#todo[@]} -gt 0 ]; do
		lib=${todo[0]}
		todo=("${todo[@]:1}")
		case "$copied" in *" $lib "*) continue ;; esac
		copied="$copied$lib "
		path=$(find_lib "$lib") || exit 1
		cp -L "$path" "$stage/lib/x86_64-linux-gnu/$lib"
		mapfile -t -O ${#todo[@]} todo < <(needed_libs "$path")
	done
}

needed_libs() {
	objdump -p "$1" | awk '$1 == "NEEDED" { print $2 }'
}

# virtio-blk is a module in Debian's cloud kernel: what efibootmgr needs to see the boot disk, and
# with FAT what init's STAGE1.NEW test hook needs to write the ESP (docs/updating.md).
INITRAMFS_MODULES="drivers/virtio/virtio drivers/virtio/virtio_ring
	drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev
	drivers/virtio/virtio_pci drivers/block/virtio_blk fs/fat/fat fs/fat/vfat fs/nls/nls_cp437
	fs/nls/nls_ascii"

# A newc cpio with fixed owners, dates and inode numbers, gzip without a name or time stamp.
cmd_initramfs() {
	local out=$1 stage kernel kver m
	kernel=$(find_kernel)
	kver=${kernel##*/vmlinuz-}
	stage=$IMAGES_BUILD/initramfs.tree
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,proc,sys,lib/modules}
	cp "$ROOT/bin/busybox" "$stage/bin/busybox"
	cp "$IMAGES_DIR/initramfs/init" "$stage/init"
	cp "$ROOT/lib/modules/$kver/kernel/fs/efivarfs/efivarfs.ko" "$stage/lib/modules/"
	# Debian's efibootmgr (package efibootmgr and its libraries) for tests/boot's Boot#### test.
	[ -x "$ROOT/bin/efibootmgr" ] || die "initramfs: no bin/efibootmgr (package efibootmgr)"
	copy_program "$ROOT/bin/efibootmgr" "$stage"
	for m in $INITRAMFS_MODULES; do
		cp "$ROOT/lib/modules/$kver/kernel/$m.ko" "$stage/lib/modules/"
	done
	chmod 0755 "$stage/init" "$stage/bin/busybox"
	find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	(cd "$stage" && find . -mindepth 1 | sort |
		cpio --quiet -o -H newc --reproducible --owner=0:0) | gzip -n -9 >"$out.tmp"
	mv "$out.tmp" "$out"
}

# Expand the few $NAMES a recipe may use in paths; nothing else is evaluated.
# shellcheck disable=SC2016  # the single-quoted names are literal text to replace
expand() {
	local s=$1
	s=${s//'$KERNEL'/$KERNEL}
	s=${s//'$INITRD'/$INITRD}
	s=${s//'$ROOT'/$ROOT}
	s=${s//'$WORK'/$WORK}
	s=${s//'$BUILD'/$BUILD}
	s=${s//'$IMAGES'/$IMAGES_DIR}
	echo "$s"
}

# images/files/SRC with every @NAME@ replaced by the recipe's variable NAME.
render() {
	local src=$IMAGES_DIR/files/$1 out=$2 text var
	[ -f "$src" ] || die "$RECIPE: no template files/$1"
	text=$(<"$src")
	for var in "${!VARS[@]}"; do
		text=${text//@$var@/${VARS[$var]}}
	done
	if [[ $text =~ @[A-Z_]+@ ]]; then
		die "$RECIPE: files/$1 uses ${BASH_REMATCH[0]}, which the recipe does not set"
	fi
	printf '%s\n' "$text" >"$out"
}

# A Unified Kernel Image: systemd's EFI stub with .osrel, .cmdline, .linux and .initrd sections
# added after its last one, each at a page-aligned address (systemd's documented objcopy recipe).
make_uki() {
	local out=$1 stub=$ROOT/usr/lib/systemd/boot/efi/linuxx64.efi.stub end size vma args=() sec file
	[ -f "$stub" ] || die "$RECIPE: uki needs package systemd-boot-efi"
	render os-release "$WORK/os-release"
	printf '%s' "${VARS[CMDLINE]}" >"$WORK/cmdline"
	end=0
	while read -r _ _ size vma _; do
		((0x$vma + 0x$size <= end)) || end=$((0x$vma + 0x$size))
	done < <(objdump -h "$stub" | grep -E '^ +[0-9]+ ')
	for sec in osrel:"$WORK/os-release" cmdline:"$WORK/cmdline" linux:"$KERNEL" initrd:"$INITRD"; do
		file=${sec#*:}
		end=$(((end + 4095) / 4096 * 4096))
		args+=(--add-section ".${sec%%:*}=$file"
			--change-section-vma ".${sec%%:*}=$(printf '0x%x' "$end")")
		end=$((end + $(stat -c %s "$file")))
	done
	objcopy "${args[@]}" "$stub" "$out"
	pe_clear_date "$out"
}

# objcopy stamps the PE header with the current time (and a checksum over it): zero both so the
# same inputs give the same bytes. Firmware ignores both fields.
pe_clear_date() {
	local pe
	pe=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' ')
	printf '\0\0\0\0' | dd of="$1" bs=1 seek=$((pe + 8)) conv=notrunc status=none
	printf '\0\0\0\0' | dd of="$1" bs=1 seek=$((pe + 88)) conv=notrunc status=none
}

# A standalone GRUB, as grub-mkstandalone makes it: grub.cfg in a memdisk tar that $prefix names,
# the modules it needs built in. grub-mkimage rather than grub-mkstandalone because the latter
# links against libefivar/libefiboot, which the unpacked packages do not bring. (An early config
# given with -c would not do: GRUB runs it with the rescue parser, which knows no comments.)
GRUB_MODULES="part_gpt part_msdos fat memdisk tar normal linux echo search search_fs_file test
	ls cat configfile serial terminal sleep efi_gop efi_uga all_video loadenv reboot"
make_grub() {
	local out=$1 cfg=$2 dir=$ROOT/usr/lib/grub/x86_64-efi memdisk=$WORK/grub-memdisk
	if [ ! -x "$ROOT/usr/bin/grub-mkimage" ] || [ ! -d "$dir" ]; then
		die "$RECIPE: grub needs packages grub-common and grub-efi-amd64-bin"
	fi
	mkdir -p "$memdisk/boot/grub"
	render "$cfg" "$memdisk/boot/grub/grub.cfg"
	tar -C "$memdisk" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 \
		--numeric-owner --format=ustar -cf "$WORK/grub-memdisk.tar" boot
	# shellcheck disable=SC2086  # the module list
	"$ROOT/usr/bin/grub-mkimage" -O x86_64-efi -d "$dir" -p '(memdisk)/boot/grub' \
		-m "$WORK/grub-memdisk.tar" -o "$out" $GRUB_MODULES
}

# The self-test's \selftest\subdir\pattern.bin: byte i is (i * 31 + (i >> 8)) mod 256.
make_pattern() {
	local out=$1 size=$2
	perl -e 'print map { chr(($_ * 31 + ($_ >> 8)) & 255) } 0 .. $ARGV[0] - 1' "$size" >"$out"
}

cmd_build() {
	local verb args a b payload="" files=() size=64M
	RECIPE=$1
	local out=$2
	NAME=$(basename "$RECIPE" .recipe)
	WORK=$(dirname "$out")/work/$NAME
	KERNEL=""
	declare -gA VARS=([NAME]="$NAME" [CMDLINE]="")
	[ -f "$RECIPE" ] || die "no recipe $RECIPE"
	while read -r verb args; do
		if [ "$verb" = require ] && [ ! -e "$(expand "$args")" ]; then
			echo "  SKIP    $NAME (no $args yet)" >&2
			return 0
		fi
	done < <(recipe_lines "$RECIPE")
	rm -rf "$WORK"
	mkdir -p "$WORK"
	# shellcheck disable=SC2016
	if grep -q '\$KERNEL\|^uki' "$RECIPE"; then
		KERNEL=$(find_kernel)
	fi

	while read -r verb args; do
		read -r a b <<<"$args"
		case "$verb" in
		package | require) ;;
		size) size=$args ;;
		cmdline) VARS[CMDLINE]=$args ;;
		set) VARS[$a]=$b ;;
		uki) make_uki "$(expand "$a")" ;;
		grub) make_grub "$(expand "$a")" "$b" ;;
		pattern) make_pattern "$(expand "$a")" "$b" ;;
		text) printf '%s\n' "$b" >"$(expand "$a")" ;;
		fvfile)
			read -r a b c <<<"$args"
			/usr/bin/python3 "$(dirname "$0")/fv-extract.py" "$(expand "$b")" "$c" "$(expand "$a")"
			;;
		template)
			render "$a" "$WORK/tmpl.$((${#files[@]}))"
			files+=("$WORK/tmpl.$((${#files[@]})):$b")
			;;
		payload) payload=$(expand "$args") ;;
		file) files+=("$(expand "$a"):$b") ;;
		*) die "$RECIPE: unknown line '$verb $args'" ;;
		esac
	done < <(recipe_lines "$RECIPE")

	local cmd=("$MKIMAGE" create -o "$out" --size "$size" --seed "$NAME"
		--stage1 "$IMAGES_STAGE1" --runtime "$IMAGES_RUNTIME")
	[ -z "$payload" ] || cmd+=(--payload "$payload")
	for a in "${files[@]}"; do
		[ -e "${a%%:*}" ] || die "$RECIPE: no file ${a%%:*}"
		cmd+=(--file "$a")
	done
	"${cmd[@]}"
	(cd "$(dirname "$out")" && sha256sum "$(basename "$out")") >"$out.sha256"
}

# One block per image: name, size, SHA-256, and Package=Version of every payload package.
cmd_manifest() {
	local out=$1 recipe name img deb
	shift
	{
		echo "# Strata images: name, bytes, sha256, payload packages (Package=Version)"
		echo "# stage1  $(sha256sum "$IMAGES_STAGE1" | cut -c1-64)  ${IMAGES_STAGE1#"$TREE"/}"
		echo "# runtime $(sha256sum "$IMAGES_RUNTIME" | cut -c1-64)  ${IMAGES_RUNTIME#"$TREE"/}"
		for recipe in "$@"; do
			name=$(basename "$recipe" .recipe)
			img=$IMAGES_BUILD/$name.img
			if [ ! -f "$img" ]; then
				echo "$name.img  skipped: $(recipe_lines "$recipe" | sed -n 's/^require //p')"
				continue
			fi
			echo "$name.img  $(stat -c %s "$img")  $(cut -c1-64 "$img.sha256")"
			recipe_lines "$recipe" | sed -n 's/^require[[:space:]]*//p' | while read -r req; do
				req=$(expand "$req")
				echo "    ${req#"$TREE"/}  $(sha256sum "$req" | cut -c1-64)"
			done
			recipe_debs "$recipe" | while read -r deb; do
				echo "    $(dpkg-deb -f "$deb" Package)=$(dpkg-deb -f "$deb" Version)"
			done
		done
	} >"$out.tmp"
	mv "$out.tmp" "$out"
}

[ $# -gt 0 ] || die "usage: build-image.sh fetch|initramfs|build|manifest ..."
command=$1
shift
case "$command" in
fetch) cmd_fetch "$@" ;;
initramfs) cmd_initramfs "$@" ;;
build)
	[ $# = 2 ] || die "usage: build-image.sh build RECIPE OUT"
	: "${MKIMAGE:?}" "${IMAGES_STAGE1:?}" "${IMAGES_RUNTIME:?}"
	cmd_build "$@"
	;;
manifest) cmd_manifest "$@" ;;
*) die "unknown command $command" ;;
esac
