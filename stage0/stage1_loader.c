/* SPDX-License-Identifier: MIT */
/* Loading a stage image from the ESP: header, signature, body to its pages, digest, relocation. */
#include "lib/drivers/io.h"
#include "lib/formats/elf_reloc.h"
#include "lib/formats/stage_image.h"
#include "lib/string.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "load: "
#include "lib/log.h"

/* Where the CPU sees the ROM's key slot: the 64 KiB flash ends at 4 GiB. */
#define KEY_SLOT_ADDRESS (0x100000000ull - 65536 + STAGE_KEY_SLOT_ROM_OFFSET)

/* The ROM's stage signing key, copied to RAM; signing_on when there is one. */
static struct stage_key_slot key;
static BOOLEAN signing_on;

void stage_signing_init(BOOLEAN from_reset_vector)
{
	EFI_STATUS status;

	/* Entered by a PVH loader or coreboot, stage0 has no ROM of its own and so no key. */
	if (!from_reset_vector)
		return;
	memcpy(&key, (const void *)(UINTN)KEY_SLOT_ADDRESS, sizeof(key));
	status = stage_key_check(&key);
	if (status == EFI_NOT_FOUND)
		return;
	if (EFI_ERROR(status))
		panic("the stage signing key in this ROM is damaged: refusing to boot stages that "
		      "cannot be verified (write the ROM again with 'mkimage rom --key')");
	signing_on = TRUE;
	log_info("Secure Boot for stages is on: STAGE1 and RUNTIME must be signed by the key "
		 "%02x%02x%02x%02x%02x%02x%02x%02x in this ROM",
		 key.key_id[0], key.key_id[1], key.key_id[2], key.key_id[3], key.key_id[4],
		 key.key_id[5], key.key_id[6], key.key_id[7]);
}

/* The trailer after the body, checked against the ROM's key before the body is read. */
static EFI_STATUS check_signature(struct handoff *h, struct fat_file *file, const CHAR16 *path,
				  const struct stage_image_header *header)
{
	struct stage_image_signature sig;
	UINT64 start = rdtsc();
	UINTN got = 0;
	EFI_STATUS status;

	memset(&sig, 0, sizeof(sig));
	if (file->size - sizeof(*header) - header->body_size >= sizeof(sig)) {
		status = fat_read(file, sizeof(*header) + header->body_size, &sig, sizeof(sig),
				  &got);
		if (EFI_ERROR(status))
			return log_error_status(status, "%ls: reading the signature", path);
	}
	status = stage_image_verify_signature(header, &sig, &key);
	if (EFI_ERROR(status)) {
		log_error("%ls: %s (Secure Boot for stages is on)", path,
			  stage_image_signature_reason(status));
		return EFI_SECURITY_VIOLATION;
	}
	log_info("%ls: signature verified (%llu us)", path,
		 h->tsc_hz ? (rdtsc() - start) * 1000000 / h->tsc_hz : 0);
	return EFI_SUCCESS;
}

EFI_STATUS stage_load(struct handoff *h, struct fat_volume *esp, const CHAR16 *path, UINT32 kind,
		      struct loaded_stage *ret_stage)
{
	struct stage_image_header header;
	struct fat_file file;
	UINT8 raw[sizeof(header)];
	UINTN got;
	UINT8 *base;
	EFI_STATUS status;

	status = fat_open(esp, NULL, path, &file);
	if (EFI_ERROR(status))
		return log_error_status(status, "%ls: cannot open", path);
	if (file.attributes & FAT_ATTR_DIRECTORY)
		return log_error_status(EFI_NOT_FOUND, "%ls: is a directory", path);
	status = fat_read(&file, 0, raw, sizeof(raw), &got);
	if (EFI_ERROR(status))
		return log_error_status(status, "%ls: read error", path);
	status = stage_image_check_header(raw, file.size, kind, &header);
	if (EFI_ERROR(status)) {
		log_error("%ls: %s (%u bytes)", path, stage_image_error_reason(status), file.size);
		return status;
	}
	if (signing_on) {
		status = check_signature(h, &file, path, &header);
		if (EFI_ERROR(status))
			return status;
	}

	base = memory_alloc(h, header.memory_size,
			    kind == STAGE_KIND_STAGE1 ? HANDOFF_RESERVED_STAGE1
						      : HANDOFF_RESERVED_RUNTIME);
	if (!base)
		return log_error_status(EFI_OUT_OF_RESOURCES, "%ls: %llu bytes", path,
					header.memory_size);
	status = fat_read(&file, sizeof(header), base, header.body_size, &got);
	if (!EFI_ERROR(status) && got != header.body_size)
		status = EFI_END_OF_FILE;
	if (EFI_ERROR(status)) {
		log_error_status(status, "%ls: reading %u bytes of body", path, header.body_size);
		goto err_free;
	}
	status = stage_image_verify_body(&header, base);
	if (EFI_ERROR(status)) {
		log_error("%ls: %s (corrupt file)", path, stage_image_error_reason(status));
		goto err_free;
	}
	memset(base + header.body_size, 0, header.memory_size - header.body_size);
	status = elf_reloc_apply(base, header.memory_size, header.rela_offset, header.rela_size,
				 (UINTN)base);
	if (EFI_ERROR(status)) {
		log_error_status(status, "%ls: bad relocation table", path);
		goto err_free;
	}
	log_debug("%ls: %s %s at %p, %llu bytes", path, stage_image_kind_name(kind),
		  header.version_string, base, header.memory_size);
	ret_stage->base = base;
	ret_stage->header = header;
	return EFI_SUCCESS;

err_free:
	memory_free_last(h, base);
	return status;
}
