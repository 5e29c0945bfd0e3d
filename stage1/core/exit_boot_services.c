/* SPDX-License-Identifier: MIT */
/* ExitBootServices: the hand-over of the machine to the OS (UEFI 2.10 §7.4.6). */
#include "lib/drivers/io.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/image.h"
#include "stage1/core/memory.h"
#include "stage1/core/paging.h"
#include "stage1/core/system_table.h"
#include "stage1/core/watchdog_timer.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "stage1: "
#include "lib/log.h"

static const EFI_GUID before_exit_group = EFI_EVENT_GROUP_BEFORE_EXIT_BOOT_SERVICES;
static const EFI_GUID exit_group = EFI_EVENT_GROUP_EXIT_BOOT_SERVICES;

EFI_STATUS EFIAPI efi_exit_boot_services(EFI_HANDLE ImageHandle, UINTN MapKey)
{
	static BOOLEAN before_signaled;

	if (!handle_is_valid(ImageHandle))
		return EFI_INVALID_PARAMETER;
	/* UEFI 2.9+: once, before the map key check, so its handlers may still allocate. */
	if (!before_signaled) {
		before_signaled = TRUE;
		events_signal_group(&before_exit_group);
	}
	if (MapKey != memory_map_key())
		return EFI_INVALID_PARAMETER;

	log_info("ExitBootServices: handing over to the OS");
	events_signal_group(&exit_group);
	watchdog_timer_set(0);
	events_shutdown();
	runtime_notify_exit_boot_services();
	/*
	 * Page 0 again, for an OS that reads the real-mode IVT or BDA on our tables; its table was
	 * split at start-up, so this allocates nothing after the map key check.
	 */
	paging_set_attributes(0, EFI_PAGE_SIZE, 0);
	/* Nothing of stage1 may write to the UART or the screen once the OS owns them. */
	log_init(0);
	log_set_mirror(NULL);

	/* §7.4.6: these fields are no longer valid; the OS finds them NULL. */
	efi_st->ConsoleInHandle = NULL;
	efi_st->ConIn = NULL;
	efi_st->ConsoleOutHandle = NULL;
	efi_st->ConOut = NULL;
	efi_st->StandardErrorHandle = NULL;
	efi_st->StdErr = NULL;
	efi_st->BootServices = NULL;
	table_header_update_crc(&efi_st->Hdr, sizeof(*efi_st));
	return EFI_SUCCESS;
}
