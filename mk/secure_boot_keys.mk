# SPDX-License-Identifier: MIT
# Secure Boot's default key set, taken at build time (docs/secure-boot.md): PK, KEK, db and dbx as
# Debian's OVMF_VARS_4M.ms.fd has them, db with the Debian CA from shim-unsigned added, and the
# variable store that enrolls them, the counterpart of OVMF_VARS_4M.ms.fd.

SB_KEYS_DIR := $(BUILD)/secure-boot
SB_OVMF_VARS := /usr/share/OVMF/OVMF_VARS_4M.ms.fd
# shim-unsigned is unpacked by the images build (images/shim-grub.recipe).
SB_DEBIAN_CA := $(IMAGES_BUILD)/root/usr/share/shim/debian-uefi-ca.der
# The owner GUID of the Debian CA's db entry: Strata's, as it is Strata that adds it.
SB_OWNER := 53545241-5441-4b45-5953-000000000001
SB_VARS := $(BUILD)/strata-vars-secure-boot.fd

$(SB_KEYS_DIR)/db.esl: $(SB_OVMF_VARS) $(IMAGES_BUILD)/root.stamp $(MKIMAGE)
	$(call quiet,SBKEYS,$(SB_KEYS_DIR))
	@rm -rf $(SB_KEYS_DIR).tmp && mkdir -p $(SB_KEYS_DIR).tmp
	$(Q)$(MKIMAGE) vars import-ovmf $(SB_OVMF_VARS) $(SB_KEYS_DIR).tmp
	$(Q)$(MKIMAGE) vars x509-list $(SB_DEBIAN_CA) $(SB_KEYS_DIR).tmp/debian-ca.esl --guid $(SB_OWNER)
	$(Q)cat $(SB_KEYS_DIR).tmp/debian-ca.esl >>$(SB_KEYS_DIR).tmp/db.esl
	@rm -f $(SB_KEYS_DIR).tmp/debian-ca.esl
	@rm -rf $(SB_KEYS_DIR) && mv $(SB_KEYS_DIR).tmp $(SB_KEYS_DIR)

$(SB_VARS): $(SB_KEYS_DIR)/db.esl $(MKIMAGE)
	$(call quiet,VARS,$@)
	$(Q)$(MKIMAGE) vars create $@.tmp --size 1M
	$(Q)$(MKIMAGE) vars enroll $@.tmp $(SB_KEYS_DIR)
	$(Q)mv $@.tmp $@

images: $(SB_VARS)
