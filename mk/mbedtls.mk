# SPDX-License-Identifier: MIT
# `make mbedtls-src`: fetch Debian's mbedtls source package (trixie) through a private deb-src list, check its sha256, unpack it into the build cache.

# Third-party code is never pasted into the tree: the build obtains it from Debian and checks the hash.
# Only the fetch step exists so far (issue 23); the freestanding compile into stage1 is still to do.
MBEDTLS_DEB_VERSION := 3.6.6-0.1~deb13u1
MBEDTLS_ORIG        := mbedtls_3.6.6.orig.tar.bz2
MBEDTLS_ORIG_SHA256 := 8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a
MBEDTLS_CACHE       := $(BUILD)/cache/mbedtls
MBEDTLS_SRC         := $(MBEDTLS_CACHE)/mbedtls-3.6.6

.PHONY: mbedtls-src
mbedtls-src: $(MBEDTLS_SRC)/.unpacked

$(MBEDTLS_CACHE)/$(MBEDTLS_ORIG):
	@mkdir -p $(MBEDTLS_CACHE)/lists/partial
	@uri=$$(awk '/^URIs:/{print $$2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null); \
	uri=$${uri:-http://deb.debian.org/debian}; \
	printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$$uri" > $(MBEDTLS_CACHE)/trixie.sources
	cd $(MBEDTLS_CACHE) && A="-o Dir::Etc::SourceList=$(abspath $(MBEDTLS_CACHE))/trixie.sources \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$(abspath $(MBEDTLS_CACHE))/lists"; \
		apt-get $$A update >/dev/null && apt-get $$A source --download-only mbedtls=$(MBEDTLS_DEB_VERSION)

$(MBEDTLS_SRC)/.unpacked: $(MBEDTLS_CACHE)/$(MBEDTLS_ORIG)
	@echo "$(MBEDTLS_ORIG_SHA256)  $<" | sha256sum -c --quiet - \
		|| { echo "mbedtls: sha256 mismatch on $<, refusing to use it"; rm -f $<; exit 1; }
	tar -xjf $< -C $(MBEDTLS_CACHE)
	@test -f $(MBEDTLS_SRC)/library/x509_crt.c || { echo "mbedtls: unexpected tarball layout"; exit 1; }
	@touch $@
