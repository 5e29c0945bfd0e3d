/* SPDX-License-Identifier: MIT */
/* Loading a stage image from the ESP: header check, body read straight to its pages, digest, relocation. */
#include "lib/formats/elf_reloc.h"
#include "lib/formats/stage_image.h"
#include "lib/string.h"
#include "stage0/stage0.h"

#define LOG_PREFIX "load: "
#include "lib/log.h"

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
