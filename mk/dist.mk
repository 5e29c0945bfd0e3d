# SPDX-License-Identifier: MIT
# dist and install: the release tarball and the installed layout, built from one staged tree.
#
#   make dist                    build/dist/strata-$(VERSION).tar.gz (same inputs, same bytes)
#   make install [PREFIX=/usr/local] [DESTDIR=]
#   make dist-tests              unpack the tarball, verify it, boot its README's command
#
# Tarball (one top folder strata-VERSION/) and installed layout:
#   stage0.rom stage1.bin runtime.bin   $(PREFIX)/share/strata/
#   images/*.img images/manifest.txt    $(PREFIX)/share/strata/images/
#   mkimage                             $(PREFIX)/bin/strata-mkimage (U-Boot owns bin/mkimage)
#   strata-accel                        $(PREFIX)/bin/strata-accel (the KVM probe: kvm or tcg)
#   strata-run                          $(PREFIX)/bin/strata-run (the launcher)
#   strata-vars.fd                      $(PREFIX)/share/strata/strata-vars.fd (NVRAM template)
#   60-strata.json                      $(PREFIX)/share/qemu/firmware/60-strata.json
#   60-strata-flash.json                $(PREFIX)/share/qemu/firmware/60-strata-flash.json
#   README.md                           $(PREFIX)/share/doc/strata/README.md
#   SHA256SUMS                          (tarball only: `sha256sum -c SHA256SUMS` in its folder)
# Include after mk/images.mk and mk/mkimage.mk (it reads IMAGES_NAMES, IMAGES_BUILD, MKIMAGE).

PREFIX ?= /usr/local
DESTDIR ?=
DIST_BUILD ?= $(BUILD)/dist
# git describe may carry characters a file name, JSON or sed should not see (a slash or a quote in
# a tag); keep it plain.
DIST_VERSION := $(shell printf '%s' '$(VERSION)' | tr -c 'A-Za-z0-9._+-' '_')
DIST_NAME := strata-$(DIST_VERSION)
DIST_STAGE := $(DIST_BUILD)/$(DIST_NAME)
DIST_TARBALL := $(DIST_BUILD)/$(DIST_NAME).tar.gz
# Every date in the tarball: SOURCE_DATE_EPOCH when the caller sets one, else the commit's date.
DIST_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),0)
DIST_ROM_PATH = $(PREFIX)/share/strata/stage0.rom
DIST_VARS_PATH = $(PREFIX)/share/strata/strata-vars.fd
DIST_INPUTS := $(BUILD)/stage0.rom $(BUILD)/stage1.bin $(BUILD)/runtime.bin $(MKIMAGE) \
	$(VARS_TEMPLATE) \
	$(IMAGES_BUILD)/manifest.txt dist/README.md dist/strata-accel dist/strata-run \
	mk/dist.mk

# QEMU's docs/interop/firmware.json. Mapping "memory" is the schema's `-bios FILE`, the way the
# README boots, and libvirt turns it into <loader type='rom'> with nothing else to ask of the
# domain; variables are volatile then. Features: none is true yet -- no S3/S4 resume, no SMM, no
# Secure Boot, no SEV, and the log goes to COM1, not the debugcon port "verbose-dynamic" means.
# $(call dist_firmware_json,ROM_PATH)
define dist_firmware_json
{
    "description": "Strata $(DIST_VERSION): staged UEFI firmware for QEMU (stage0 ROM; stage1 loads from the boot disk's ESP)",
    "interface-types": [
        "uefi"
    ],
    "mapping": {
        "device": "memory",
        "filename": "$(1)"
    },
    "targets": [
        {
            "architecture": "x86_64",
            "machines": [
                "pc-i440fx-*",
                "pc-q35-*"
            ]
        }
    ],
    "features": [],
    "tags": [
        "strata-$(DIST_VERSION)",
        "rom-size=64KiB"
    ]
}
endef

# The second descriptor: "flash", mode "split" -- stage0.rom read-only as pflash unit 0, and a copy
# of the NVRAM template (an empty variable store, mkimage vars create) per VM as unit 1, which
# libvirt makes for each domain. Its name sorts before 60-strata.json, so a domain that asks for
# firmware='efi' and Strata gets the one whose variables survive a power-off.
# $(call dist_flash_json,ROM_PATH,VARS_PATH)
define dist_flash_json
{
    "description": "Strata $(DIST_VERSION): staged UEFI firmware for QEMU, with a persistent variable store on pflash",
    "interface-types": [
        "uefi"
    ],
    "mapping": {
        "device": "flash",
        "mode": "split",
        "executable": {
            "filename": "$(1)",
            "format": "raw"
        },
        "nvram-template": {
            "filename": "$(2)",
            "format": "raw"
        }
    },
    "targets": [
        {
            "architecture": "x86_64",
            "machines": [
                "pc-i440fx-*",
                "pc-q35-*"
            ]
        }
    ],
    "features": [],
    "tags": [
        "strata-$(DIST_VERSION)",
        "rom-size=64KiB",
        "nvram-size=1MiB"
    ]
}
endef

# The user README with this build's version and install prefix filled in.
# $(call dist_readme,OUT)
define dist_readme
$(Q)sed -e 's|@VERSION@|$(DIST_VERSION)|g' -e 's|@PREFIX@|$(PREFIX)|g' dist/README.md > $(1)
endef

# The values baked into the staged files; rewritten only when one changes, so the tarball is
# rebuilt for a new VERSION, PREFIX or date and left alone otherwise.
DIST_VARS := $(DIST_VERSION) $(PREFIX) $(DIST_EPOCH) $(IMAGES_NAMES)
$(DIST_BUILD)/dist.vars: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(DIST_VARS)' | cmp -s - $@ || printf '%s\n' '$(DIST_VARS)' > $@

# make expands a whole recipe before running its first line, so $(file) writes in a rule of its
# own, into a folder that already exists (dist.vars made it).
$(DIST_BUILD)/60-strata.json: $(DIST_BUILD)/dist.vars mk/dist.mk
	$(call quiet,GEN,$@)
	$(file >$@,$(call dist_firmware_json,$(DIST_ROM_PATH)))

$(DIST_BUILD)/60-strata-flash.json: $(DIST_BUILD)/dist.vars mk/dist.mk
	$(call quiet,GEN,$@)
	$(file >$@,$(call dist_flash_json,$(DIST_ROM_PATH),$(DIST_VARS_PATH)))

# The staged tree, made from nothing each time so no stale image survives (other versions' trees
# go too; their tarballs stay). Images are the recipes' names (not build/images/*.img:
# initramfs.img lives there too); a recipe that skips its image (efi-app not built) leaves it out.
$(DIST_STAGE).stamp: $(DIST_INPUTS) $(DIST_BUILD)/dist.vars $(DIST_BUILD)/60-strata.json \
		$(DIST_BUILD)/60-strata-flash.json
	$(call quiet,STAGE,$(DIST_STAGE))
	$(Q)rm -rf $(DIST_BUILD)/strata-*/ && install -d -m 0755 $(DIST_STAGE)/images
	$(Q)install -m 0644 $(BUILD)/stage0.rom $(BUILD)/stage1.bin $(BUILD)/runtime.bin \
		$(VARS_TEMPLATE) $(DIST_STAGE)/
	$(Q)install -m 0755 $(MKIMAGE) $(DIST_STAGE)/mkimage
	$(Q)install -m 0755 dist/strata-accel dist/strata-run $(DIST_STAGE)/
	$(Q)for n in $(IMAGES_NAMES); do \
		[ ! -f $(IMAGES_BUILD)/$$n.img ] || \
			install -m 0644 $(IMAGES_BUILD)/$$n.img $(DIST_STAGE)/images/ || exit 1; \
	done
	$(Q)install -m 0644 $(IMAGES_BUILD)/manifest.txt $(DIST_STAGE)/images/
	$(call dist_readme,$(DIST_STAGE)/README.md)
	$(Q)install -m 0644 $(DIST_BUILD)/60-strata.json $(DIST_BUILD)/60-strata-flash.json \
		$(DIST_STAGE)/
	$(Q)chmod 0644 $(DIST_STAGE)/README.md
	$(Q)cd $(DIST_STAGE) && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort \
		| xargs sha256sum > SHA256SUMS && chmod 0644 SHA256SUMS
	@touch $@

# Same bytes from the same inputs: names sorted, one date, owner root, no name or date in gzip.
$(DIST_TARBALL): $(DIST_STAGE).stamp
	$(call quiet,TAR,$@)
	$(Q)LC_ALL=C tar -C $(DIST_BUILD) --format=gnu --sort=name --mtime=@$(DIST_EPOCH) \
		--owner=0 --group=0 --numeric-owner -cf - $(DIST_NAME) | gzip -n -6 > $@.tmp
	$(Q)mv $@.tmp $@

.PHONY: dist install dist-tests accel-tests FORCE
FORCE:
dist: $(DIST_TARBALL)

# The staged files: their descriptor and README already name this PREFIX's paths (PREFIX is in
# dist.vars). DESTDIR is only where the files land; the paths written into them are the final ones.
DIST_SHARE := $(DESTDIR)$(PREFIX)/share
install: $(DIST_STAGE).stamp
	$(call quiet,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d -m 0755 $(DESTDIR)$(PREFIX)/bin $(DIST_SHARE)/strata/images \
		$(DIST_SHARE)/qemu/firmware $(DIST_SHARE)/doc/strata
	$(Q)install -m 0644 $(addprefix $(DIST_STAGE)/,stage0.rom stage1.bin runtime.bin \
		strata-vars.fd) $(DIST_SHARE)/strata/
	$(Q)install -m 0644 $(DIST_STAGE)/images/* $(DIST_SHARE)/strata/images/
	$(Q)install -m 0755 $(DIST_STAGE)/mkimage $(DESTDIR)$(PREFIX)/bin/strata-mkimage
	$(Q)install -m 0755 $(DIST_STAGE)/strata-accel $(DIST_STAGE)/strata-run $(DESTDIR)$(PREFIX)/bin/
	$(Q)install -m 0644 $(DIST_STAGE)/60-strata.json $(DIST_STAGE)/60-strata-flash.json \
		$(DIST_SHARE)/qemu/firmware/
	$(Q)install -m 0644 $(DIST_STAGE)/README.md $(DIST_SHARE)/doc/strata/

# pytest from Debian's python3 (see mk/boot.mk). The tests call make again -- install into a temp
# DESTDIR, dist into a temp DIST_BUILD with this build's VERSION and date, to compare bytes --
# as $(MAKE) $(DIST_MAKE_FLAGS).
DIST_PYTEST := /usr/bin/python3 -m pytest
DIST_MAKE_FLAGS ?=
dist-tests: $(DIST_TARBALL)
	$(call quiet,PYTEST,tests/dist)
	$(Q)STRATA_DIST_TARBALL=$(abspath $(DIST_TARBALL)) STRATA_DIST_NAME=$(DIST_NAME) \
		STRATA_DIST_VERSION='$(VERSION)' STRATA_DIST_EPOCH=$(DIST_EPOCH) \
		STRATA_DIST_MAKE='$(MAKE) $(DIST_MAKE_FLAGS)' STRATA_BUILD=$(abspath $(BUILD)) \
		$(DIST_PYTEST) -q -ra $(if $(filter 1,$(V)),-v) -p no:cacheprovider tests/dist

# The KVM probe's own tests: its ROM runs; a KVM that cannot run firmware is simulated, and the
# probe and make run answer it with TCG.
accel-tests: $(BUILD)/stage0.rom $(IMAGES_BUILD)/hello.img
	$(call quiet,PYTEST,tests/accel)
	$(Q)STRATA_BUILD=$(abspath $(BUILD)) $(DIST_PYTEST) -q -ra $(if $(filter 1,$(V)),-v) -p no:cacheprovider tests/accel
