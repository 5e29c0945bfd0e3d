/* SPDX-License-Identifier: MIT */
/* The runtime blob's entry point: check the boot info, keep its facts, hand back the exports. */
#include "runtime/runtime.h"

BOOLEAN runtime_at_runtime;
static runtime_log_fn boot_log;

/* A pointer to itself: equal to its own address only if the loader relocated us for here. */
static const void *self_pointer = &self_pointer;

void runtime_log(const char *message)
{
	if (!runtime_at_runtime && boot_log)
		boot_log(message);
}

void runtime_exit_boot_services(void)
{
	runtime_at_runtime = TRUE;
	/* stage1's code may be reclaimed by the OS from now on. */
	boot_log = NULL;
}

struct runtime_exports *runtime_entry(const struct runtime_boot_info *info)
{
	if (!info || info->version != RUNTIME_ABI_VERSION || info->size < sizeof(*info))
		return NULL;
	if (info->image_base != (UINT64)(UINTN)__ehdr_start || self_pointer != &self_pointer)
		return NULL;

	boot_log = info->log;
	reset_init(info);
	virtual_map_init(info);
	flash_store_init(info);
	services_update_crc();
	runtime_log("services ready");
	return &runtime_exports;
}
