# SPDX-License-Identifier: MIT
# The console font of the screen: a PSF from Debian's console-setup-linux, downloaded with
# apt-get download into a cache (build/font), its version and SHA-256 checked, converted into C by
# mk/psf2c.py and compiled into stage1. The font data is never committed.

FONT_DEB_NAME := console-setup-linux
FONT_DEB_VERSION := 1.221
FONT_DEB_SHA256 := 65fac4777b0d36e48d90c577ba296c9ceeb051210aa1bf405925e2bf6bc6fecd
FONT_NAME := Lat15-Terminus16
FONT_DIR := $(BUILD)/font
FONT_DEB := $(FONT_DIR)/$(FONT_DEB_NAME)_$(FONT_DEB_VERSION)_all.deb
FONT_PSF := $(FONT_DIR)/$(FONT_NAME).psf
FONT_C := $(FONT_DIR)/font_console.c
FONT_OBJ := $(BUILD)/pie/font/font_console.o

# apt-get update only when the download fails (empty or stale lists), as images/build-image.sh.
$(FONT_DEB):
	$(call quiet,FETCH,$@)
	@mkdir -p $(FONT_DIR)
	$(Q)cd $(FONT_DIR) && rm -f $(FONT_DEB_NAME)_*.deb && \
	{ apt-get download -q $(FONT_DEB_NAME)=$(FONT_DEB_VERSION) >.apt.log 2>&1 || \
	  { apt-get update -q >>.apt.log 2>&1 && \
	    apt-get download -q $(FONT_DEB_NAME)=$(FONT_DEB_VERSION) >>.apt.log 2>&1; } || \
	  { cat .apt.log; echo "font: apt-get download $(FONT_DEB_NAME)=$(FONT_DEB_VERSION) failed"; \
	    exit 1; }; }
	$(Q)echo "$(FONT_DEB_SHA256)  $@" | sha256sum -c --quiet - || \
		{ echo "font: $@ is not the checked $(FONT_DEB_NAME) $(FONT_DEB_VERSION)"; rm -f $@; exit 1; }

$(FONT_PSF): $(FONT_DEB)
	$(call quiet,UNPACK,$@)
	$(Q)dpkg-deb --fsys-tarfile $< | tar -xO ./usr/share/consolefonts/$(FONT_NAME).psf.gz | \
		gzip -dc >$@.tmp && mv $@.tmp $@

$(FONT_C): $(FONT_PSF) mk/psf2c.py mk/lz4pack.py
	$(call quiet,PSF2C,$@)
	$(Q)/usr/bin/env python3 mk/psf2c.py $< "$(FONT_NAME) of $(FONT_DEB_NAME) $(FONT_DEB_VERSION)" $@

$(FONT_OBJ): $(FONT_C)
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_PIE_CFLAGS) -c $< -o $@
