# SPDX-License-Identifier: MIT
# images: the shipped disk images, one per images/*.recipe, built by images/build-image.sh from
# Debian payload packages (apt-get download, cached in build/images/debs; nothing installed).
#
#   make images                  every image, its .sha256 and build/images/manifest.txt
#   make build/images/grub.img   one image
#   make images-tests            boot each built image under OVMF to its marker (slow under TCG)
#   IMAGE=linux-uki              the image `make run` boots: $(IMAGE_FILE)

IMAGES_BUILD := $(BUILD)/images
IMAGES_SCRIPT := images/build-image.sh
IMAGES_RECIPES := $(sort $(wildcard images/*.recipe))
IMAGES_NAMES := $(basename $(notdir $(IMAGES_RECIPES)))
IMAGES_FILES := $(IMAGES_NAMES:%=$(IMAGES_BUILD)/%.img)
IMAGES_TEMPLATES := $(wildcard images/files/*)

IMAGE ?= linux-uki
IMAGE_FILE := $(IMAGES_BUILD)/$(IMAGE).img

# GNU cpio makes the initramfs (its --reproducible); a build tool, so `make deps` installs it.
DEB_PACKAGES += cpio

# The stages every image carries: stage1 and the runtime blob once both have build rules, the
# hand-off probe (stage1 kind) and its runtime stand-in until then. Override on the command line
# to pick others.
ifneq ($(and $(filter $(BUILD)/stage1.bin,$(ALL_TARGETS) $(STAGE1_TARGETS)),$(filter \
	$(BUILD)/runtime.bin,$(ALL_TARGETS))),)
IMAGES_STAGE1 ?= $(BUILD)/stage1.bin
IMAGES_RUNTIME ?= $(BUILD)/runtime.bin
else
IMAGES_STAGE1 ?= $(BUILD)/tests/handoff_probe.bin
IMAGES_RUNTIME ?= $(BUILD)/tests/handoff_probe_runtime.bin
endif

# Same inputs, same bytes: a fixed date for the FAT, cpio and gzip; mkimage's seed is the recipe
# name (set by the script).
IMAGES_EPOCH := 1704067200
IMAGES_ENV := IMAGES_BUILD=$(IMAGES_BUILD) BUILD=$(BUILD) MKIMAGE=$(MKIMAGE) \
	IMAGES_STAGE1=$(IMAGES_STAGE1) IMAGES_RUNTIME=$(IMAGES_RUNTIME) \
	SOURCE_DATE_EPOCH=$(IMAGES_EPOCH)

# Every recipe's packages, downloaded once (build/images/debs is a cache that survives this rule)
# and unpacked into a fresh build/images/root. One rule for all recipes, so no two downloads or
# unpacks run at once under make -j.
$(IMAGES_BUILD)/root.stamp: $(IMAGES_RECIPES) $(IMAGES_SCRIPT)
	$(call quiet,FETCH,$(IMAGES_BUILD)/root)
	@mkdir -p $(IMAGES_BUILD)
	$(Q)$(IMAGES_ENV) $(IMAGES_SCRIPT) fetch $(IMAGES_RECIPES)
	@touch $@

$(IMAGES_BUILD)/initramfs.cpio.gz: images/initramfs/init $(IMAGES_BUILD)/root.stamp $(IMAGES_SCRIPT)
	$(call quiet,CPIO,$@)
	$(Q)$(IMAGES_ENV) $(IMAGES_SCRIPT) initramfs $@

# The efi-apps an image needs, when mk/efi-apps.mk is part of the build (its recipe skips the
# image while the app is missing).
IMAGES_EFI_APPS_hello := $(filter %/hello.efi,$(EFI_APPS))
IMAGES_EFI_APPS_selftest := $(filter %/selftest.efi %/selftest-child.efi,$(EFI_APPS))

$(IMAGES_BUILD)/%.img: images/%.recipe $(IMAGES_BUILD)/root.stamp \
		$(IMAGES_BUILD)/initramfs.cpio.gz $(IMAGES_SCRIPT) $(IMAGES_TEMPLATES) $(MKIMAGE) \
		$(IMAGES_STAGE1) $(IMAGES_RUNTIME)
	$(call quiet,IMAGE,$@)
	$(Q)$(IMAGES_ENV) $(IMAGES_SCRIPT) build $< $@

$(IMAGES_BUILD)/hello.img: $(IMAGES_EFI_APPS_hello)
$(IMAGES_BUILD)/selftest.img: $(IMAGES_EFI_APPS_selftest)

$(IMAGES_BUILD)/manifest.txt: $(IMAGES_FILES) $(IMAGES_SCRIPT)
	$(call quiet,MANIFEST,$@)
	$(Q)$(IMAGES_ENV) $(IMAGES_SCRIPT) manifest $@ $(IMAGES_RECIPES)

# An image whose recipe skips it (efi-app not built yet) leaves no file, so images stays phony.
.PHONY: images images-tests image
images: $(IMAGES_BUILD)/manifest.txt
image: $(IMAGE_FILE)

IMAGES_PYTEST ?= /usr/bin/python3 -m pytest
images-tests: images
	$(call quiet,PYTEST,tests/images)
	$(Q)STRATA_BUILD=$(BUILD) $(IMAGES_PYTEST) -q -ra $(if $(filter 1,$(V)),-v) \
		-p no:cacheprovider tests/images
