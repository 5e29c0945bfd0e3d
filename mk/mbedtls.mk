# SPDX-License-Identifier: MIT
# `make mbedtls-src`: fetch Debian's mbedtls source package (trixie) through a private deb-src list, check its sha256, unpack it into the build cache.

# Third-party code is never pasted into the tree: the build obtains it from Debian and checks the hash,
# then compiles the few library/*.c files Secure Boot verification needs (docs/secure-boot.md) with
# our own configuration, lib/crypto/mbedtls_config.h, into one archive per flavour:
#   build/pie/mbedtls/libmbedcrypto.a   stage1 (freestanding, no libc: lib/crypto/libc/ stubs)
#   build/host/mbedtls/libmbedcrypto.a  unit tests and fuzzers (libc)
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

# ASN.1, X.509 parsing, RSA PKCS#1 v1.5 verify, bignum, SHA-1/256/512, OID (lib/crypto/README.md).
MBEDTLS_MODULES := asn1parse asn1write oid bignum bignum_core rsa rsa_alt_helpers md sha1 sha256 \
	sha512 pk pk_wrap pkparse x509 x509_crt platform_util platform constant_time
MBEDTLS_CONFIG_FLAGS := -I$(MBEDTLS_SRC)/include '-DMBEDTLS_CONFIG_FILE="lib/crypto/mbedtls_config.h"'
MBEDTLS_PIE_LIB := $(BUILD)/pie/mbedtls/libmbedcrypto.a
MBEDTLS_HOST_LIB := $(BUILD)/host/mbedtls/libmbedcrypto.a

# Third-party code keeps its own warnings (-w): our -Werror set is for our code. Size matters more
# than speed here (one signature check per image), hence -Os.
MBEDTLS_PIE_CFLAGS := $(filter-out $(WARN_FLAGS),$(FW_PIE_CFLAGS)) -w -Os -Ilib/crypto/libc \
	$(MBEDTLS_CONFIG_FLAGS)
MBEDTLS_HOST_CFLAGS := $(filter-out $(WARN_FLAGS),$(HOST_CFLAGS)) -w -fPIC $(MBEDTLS_CONFIG_FLAGS)

# Nothing in Strata signs, decrypts or holds a private key: pk_wrap's RSA table reaches rsa.c's
# private-key path through three calls only, which lib/crypto/rsa_public_only.c refuses in their
# place, so --gc-sections drops that path (about 5 KB of stage1). Both flavours, so the tests and
# fuzzers run what stage1 runs.
MBEDTLS_PK_WRAP_FLAGS := -Dmbedtls_rsa_pkcs1_sign=rsa_public_only_sign \
	-Dmbedtls_rsa_pkcs1_decrypt=rsa_public_only_decrypt \
	-Dmbedtls_rsa_check_pub_priv=rsa_public_only_check_pair
$(BUILD)/pie/mbedtls/pk_wrap.o: MBEDTLS_PIE_CFLAGS += $(MBEDTLS_PK_WRAP_FLAGS)
# SHA-256 is the exception: it hashes every byte of an image LoadImage checks (16 MB for a UKI),
# so it is built unrolled (no MBEDTLS_SHA256_SMALLER) and -O2, which halves LoadImage's time for
# about 2 KB (bench row loadimage_uki_sb_on_ms).
$(BUILD)/pie/mbedtls/sha256.o: MBEDTLS_PIE_CFLAGS += -O2
$(BUILD)/host/mbedtls/pk_wrap.o: MBEDTLS_HOST_CFLAGS += $(MBEDTLS_PK_WRAP_FLAGS)
# Likewise rsa.c's import of a private key without its primes or private exponent (certificates
# carry public keys only, whose import never deduces anything).
MBEDTLS_RSA_FLAGS := -Dmbedtls_rsa_deduce_primes=rsa_public_only_deduce_primes \
	-Dmbedtls_rsa_deduce_private_exponent=rsa_public_only_deduce_private_exponent
$(BUILD)/pie/mbedtls/rsa.o: MBEDTLS_PIE_CFLAGS += $(MBEDTLS_RSA_FLAGS)
$(BUILD)/host/mbedtls/rsa.o: MBEDTLS_HOST_CFLAGS += $(MBEDTLS_RSA_FLAGS)
$(BUILD)/pie/mbedtls/pk_wrap.o $(BUILD)/host/mbedtls/pk_wrap.o $(BUILD)/pie/mbedtls/rsa.o \
	$(BUILD)/host/mbedtls/rsa.o: mk/mbedtls.mk

$(BUILD)/pie/mbedtls/%.o: $(MBEDTLS_SRC)/.unpacked lib/crypto/mbedtls_config.h
	$(call quiet,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MBEDTLS_PIE_CFLAGS) -MMD -MP -c $(MBEDTLS_SRC)/library/$*.c -o $@

$(BUILD)/host/mbedtls/%.o: $(MBEDTLS_SRC)/.unpacked lib/crypto/mbedtls_config.h
	$(call quiet,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MBEDTLS_HOST_CFLAGS) -MMD -MP -c $(MBEDTLS_SRC)/library/$*.c -o $@

$(MBEDTLS_PIE_LIB): $(MBEDTLS_MODULES:%=$(BUILD)/pie/mbedtls/%.o)
$(MBEDTLS_HOST_LIB): $(MBEDTLS_MODULES:%=$(BUILD)/host/mbedtls/%.o)
$(MBEDTLS_PIE_LIB) $(MBEDTLS_HOST_LIB):
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && ar rcsD $@ $^

.PHONY: mbedtls
mbedtls: $(MBEDTLS_PIE_LIB) $(MBEDTLS_HOST_LIB)

ALL_TARGETS += $(MBEDTLS_PIE_LIB) $(MBEDTLS_HOST_LIB)

# lib/crypto: our Authenticode, PKCS#7, signature list and policy layer over mbedTLS. It is not in
# LIB_PURE: only what links mbedTLS takes it (its tests, its fuzzers, and stage1 once it verifies).
LIB_CRYPTO := lib/crypto/signature_list.c lib/crypto/authenticode.c lib/crypto/pkcs7.c \
	lib/crypto/image_verify.c lib/crypto/auth_variable.c lib/crypto/auth_verify.c \
	lib/crypto/sha1_block.c lib/crypto/rsa_public_only.c
LIB_CRYPTO_PIE_OBJS := $(LIB_CRYPTO:%.c=$(BUILD)/pie/%.o)
LIB_CRYPTO_HOST_OBJS := $(LIB_CRYPTO:%.c=$(BUILD)/host/%.o)
MBEDTLS_HOST_OBJS := $(MBEDTLS_MODULES:%=$(BUILD)/host/mbedtls/%.o)
$(LIB_CRYPTO_PIE_OBJS) $(LIB_CRYPTO_HOST_OBJS): | $(MBEDTLS_SRC)/.unpacked
$(BUILD)/pie/lib/crypto/%.o: FW_PIE_CFLAGS += -Os -Ilib/crypto/libc $(MBEDTLS_CONFIG_FLAGS)
$(BUILD)/host/lib/crypto/%.o: HOST_CFLAGS += $(MBEDTLS_CONFIG_FLAGS)

# Test material for tests/unit/test_image_verify.c: Debian's signed binaries and signing tools.
SB_FIXTURES := $(BUILD)/tests/secure-boot
$(SB_FIXTURES)/.done: tests/unit/secure_boot_fixtures.sh
	$(call quiet,FETCH,$(SB_FIXTURES))
	$(Q)tests/unit/secure_boot_fixtures.sh $(BUILD)/images/debs $(SB_FIXTURES)
	@touch $@

# Unit tests of lib/crypto (mk/unit.mk links every .o prerequisite).
$(BUILD)/tests/unit/test_signature_list: $(BUILD)/host/lib/crypto/signature_list.o
$(BUILD)/tests/unit/test_auth_variable: $(BUILD)/host/lib/crypto/auth_variable.o \
	$(BUILD)/host/lib/crypto/signature_list.o
$(BUILD)/tests/unit/test_image_verify: $(LIB_CRYPTO_HOST_OBJS) $(MBEDTLS_HOST_OBJS) $(SB_FIXTURES)/.done
$(BUILD)/host/tests/unit/test_image_verify.o: HOST_CFLAGS += '-DSB_FIXTURES="$(abspath $(SB_FIXTURES))"'
# Authenticated writes: keys and .auth files made by openssl and efitools during the test.
$(BUILD)/tests/unit/test_auth_verify: $(LIB_CRYPTO_HOST_OBJS) $(MBEDTLS_HOST_OBJS) $(SB_FIXTURES)/.done
$(BUILD)/host/tests/unit/test_auth_verify.o: HOST_CFLAGS += '-DSB_FIXTURES="$(abspath $(SB_FIXTURES))"'
# SHA-1's block function (lib/crypto/sha1_block.c) against FIPS 180's vectors.
$(BUILD)/tests/unit/test_sha1_block: $(BUILD)/host/lib/crypto/sha1_block.o \
	$(BUILD)/host/lib/crypto/rsa_public_only.o $(MBEDTLS_HOST_OBJS)
$(BUILD)/host/tests/unit/test_sha1_block.o: HOST_CFLAGS += $(MBEDTLS_CONFIG_FLAGS)
$(BUILD)/host/tests/unit/test_sha1_block.o: | $(MBEDTLS_SRC)/.unpacked
# pk_wrap's RSA private operations refused (lib/crypto/rsa_public_only.c).
$(BUILD)/tests/unit/test_rsa_public_only: $(BUILD)/host/lib/crypto/rsa_public_only.o \
	$(BUILD)/host/lib/crypto/sha1_block.o $(MBEDTLS_HOST_OBJS)
$(BUILD)/host/tests/unit/test_rsa_public_only.o: HOST_CFLAGS += $(MBEDTLS_CONFIG_FLAGS)
$(BUILD)/host/tests/unit/test_rsa_public_only.o: | $(MBEDTLS_SRC)/.unpacked

# Fuzzers of lib/crypto: our layer compiled with the fuzzer's instrumentation, mbedTLS as the host
# objects (its own fuzzing is upstream's). FUZZ_CFLAGS comes from mk/unit.mk.
CRYPTO_FUZZERS := $(BUILD)/fuzz/fuzz_pkcs7 $(BUILD)/fuzz/fuzz_authenticode \
	$(BUILD)/fuzz/fuzz_signature_list $(BUILD)/fuzz/fuzz_auth_variable
$(CRYPTO_FUZZERS): $(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_CRYPTO) $(MBEDTLS_HOST_OBJS)
	$(call quiet,FUZZCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(MBEDTLS_CONFIG_FLAGS) $(filter %.c,$^) $(filter %.o,$^) -o $@
# Their seeds (tests/fuzz/seed_fuzz_*.sh) are cut from the unit tests' Debian binaries.
$(BUILD)/fuzz/fuzz_pkcs7 $(BUILD)/fuzz/fuzz_authenticode: | $(SB_FIXTURES)/.done
