// SPDX-License-Identifier: MIT
/* Boot services edge cases: all-or-nothing multiple installs, lookups, TPLs, notifies, refusals. */
#include "efi-apps/selftest/selftest.h"

/* GUIDs of our own, so nothing else in the firmware answers for them. */
static EFI_GUID proto_a = {
	0x6b1e0f52, 0x93c4, 0x4d21, { 0xa7, 0x3e, 0x0c, 0x55, 0x21, 0x9b, 0x8e, 0x01 }
};
static EFI_GUID proto_b = {
	0x6b1e0f52, 0x93c4, 0x4d21, { 0xa7, 0x3e, 0x0c, 0x55, 0x21, 0x9b, 0x8e, 0x02 }
};
static EFI_GUID absent = {
	0x6b1e0f52, 0x93c4, 0x4d21, { 0xa7, 0x3e, 0x0c, 0x55, 0x21, 0x9b, 0x8e, 0xff }
};

static UINT32 iface_a, iface_a2, iface_b;
static EFI_HANDLE handle, handle2;
static EFI_EVENT event;
static volatile UINTN notified;

static EFI_STATUS reset(void)
{
	handle = handle2 = NULL;
	event = NULL;
	notified = 0;
	return EFI_SUCCESS;
}

static void cleanup(void)
{
	void *ifaces[] = { &iface_a, &iface_a2, &iface_b };
	EFI_HANDLE hs[] = { handle, handle2 };

	for (UINTN h = 0; h < 2; h++) {
		if (!hs[h])
			continue;
		for (UINTN i = 0; i < 3; i++) {
			BS->UninstallProtocolInterface(hs[h], &proto_a, ifaces[i]);
			BS->UninstallProtocolInterface(hs[h], &proto_b, ifaces[i]);
		}
	}
	if (event)
		BS->CloseEvent(event);
	reset();
}

static void EFIAPI count_notify(EFI_EVENT e, void *ctx)
{
	notified++;
}

static BOOLEAN has(EFI_HANDLE h, EFI_GUID *guid)
{
	void *p;

	return !EFI_ERROR(BS->HandleProtocol(h, guid, &p));
}

/* A pair already on the handle fails the call, and the pairs before it are taken back. */
static EFI_STATUS install_multiple_rollback(void)
{
	CHECK_OK(BS->InstallMultipleProtocolInterfaces(&handle, &proto_a, &iface_a, NULL));
	CHECK_STATUS(BS->InstallMultipleProtocolInterfaces(&handle, &proto_b, &iface_b, &proto_a,
							   &iface_a2, NULL),
		     EFI_INVALID_PARAMETER);
	CHECK(!has(handle, &proto_b), "the pair before the failing one stayed installed");
	CHECK(has(handle, &proto_a), "the earlier install was undone too");
	return EFI_SUCCESS;
}

/* A pair not on the handle fails the call, and the pairs removed before it come back. */
static EFI_STATUS uninstall_multiple_rollback(void)
{
	CHECK_OK(BS->InstallMultipleProtocolInterfaces(&handle, &proto_a, &iface_a, &proto_b,
						       &iface_b, NULL));
	CHECK_STATUS(BS->UninstallMultipleProtocolInterfaces(handle, &proto_a, &iface_a, &proto_b,
							     &iface_a2, NULL),
		     EFI_INVALID_PARAMETER);
	CHECK(has(handle, &proto_a) && has(handle, &proto_b), "a pair was left uninstalled");
	CHECK_OK(BS->UninstallMultipleProtocolInterfaces(handle, &proto_a, &iface_a, &proto_b,
							 &iface_b, NULL));
	handle = NULL;
	return EFI_SUCCESS;
}

/* UEFI 2.10 §7.3: a device path already on another handle is EFI_ALREADY_STARTED. */
static EFI_STATUS install_multiple_same_device_path(void)
{
	static struct {
		VENDOR_DEVICE_PATH vendor;
		EFI_DEVICE_PATH end;
	} __attribute__((packed)) path = {
		{ { HARDWARE_DEVICE_PATH, HW_VENDOR_DP, { sizeof(VENDOR_DEVICE_PATH), 0 } },
		  { 0x6b1e0f52,
		    0x93c4,
		    0x4d21,
		    { 0xa7, 0x3e, 0x0c, 0x55, 0x21, 0x9b, 0x8e, 0x10 } } },
		{ END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, { 4, 0 } },
	};

	CHECK_OK(BS->InstallMultipleProtocolInterfaces(&handle, &gEfiDevicePathProtocolGuid, &path,
						       NULL));
	CHECK_STATUS(BS->InstallMultipleProtocolInterfaces(&handle2, &proto_a, &iface_a,
							   &gEfiDevicePathProtocolGuid, &path,
							   NULL),
		     EFI_ALREADY_STARTED);
	CHECK(!handle2, "a handle was left behind by the failed install");
	CHECK_OK(BS->UninstallMultipleProtocolInterfaces(handle, &gEfiDevicePathProtocolGuid, &path,
							 NULL));
	handle = NULL;
	return EFI_SUCCESS;
}

/* LocateHandleBuffer: our image among the LoadedImage handles, those among all handles. */
static EFI_STATUS locate_handle_buffer(void)
{
	EFI_HANDLE *images = NULL, *all = NULL;
	UINTN image_count = 0, all_count = 0;
	BOOLEAN found = FALSE;
	EFI_STATUS status = EFI_SUCCESS;

	CHECK_OK(BS->LocateHandleBuffer(ByProtocol, &gEfiLoadedImageProtocolGuid, NULL,
					&image_count, &images));
	for (UINTN i = 0; i < image_count; i++)
		found |= images[i] == selftest_image;
	if (EFI_ERROR(BS->LocateHandleBuffer(AllHandles, NULL, NULL, &all_count, &all)))
		status = selftest_fail(__FILE__, __LINE__, L"AllHandles failed");
	else if (!found)
		status =
			selftest_fail(__FILE__, __LINE__, L"our image is not a LoadedImage handle");
	else if (all_count < image_count + 1)
		status = selftest_fail(__FILE__, __LINE__, L"%ld handles in all, %ld images",
				       (INT64)all_count, (INT64)image_count);
	BS->FreePool(images);
	if (all)
		BS->FreePool(all);
	if (EFI_ERROR(status))
		return status;
	CHECK_STATUS(BS->LocateHandleBuffer(ByProtocol, NULL, NULL, &all_count, &all),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->LocateHandleBuffer(AllHandles, NULL, NULL, NULL, &all),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS protocols_per_handle(void)
{
	EFI_GUID **guids = NULL;
	UINTN count = 0;
	BOOLEAN found = FALSE;

	CHECK_OK(BS->ProtocolsPerHandle(selftest_image, &guids, &count));
	for (UINTN i = 0; i < count; i++)
		found |= guid_equal(guids[i], &gEfiLoadedImageProtocolGuid);
	BS->FreePool(guids);
	CHECK(found, "LoadedImage missing from our image's %ld protocols", (INT64)count);
	CHECK_STATUS(BS->ProtocolsPerHandle(NULL, &guids, &count), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->ProtocolsPerHandle(selftest_image, NULL, &count), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS handle_protocol_refused(void)
{
	void *p = &p;

	CHECK_STATUS(BS->HandleProtocol(NULL, &gEfiLoadedImageProtocolGuid, &p),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->HandleProtocol(selftest_image, &absent, &p), EFI_UNSUPPORTED);
	CHECK_STATUS(BS->HandleProtocol(selftest_image, &gEfiLoadedImageProtocolGuid, NULL),
		     EFI_INVALID_PARAMETER);
	/* LocateProtocol of a protocol nobody has clears the interface pointer. */
	CHECK_STATUS(BS->LocateProtocol(&absent, NULL, &p), EFI_NOT_FOUND);
	CHECK(p == NULL, "interface left at %p", p);
	return EFI_SUCCESS;
}

/* RaiseTPL returns the level before; RestoreTPL goes back down. */
static EFI_STATUS raise_restore_tpl(void)
{
	EFI_TPL old = BS->RaiseTPL(TPL_CALLBACK);
	EFI_TPL mid = BS->RaiseTPL(TPL_NOTIFY);
	EFI_TPL top = BS->RaiseTPL(TPL_NOTIFY);

	BS->RestoreTPL(mid);
	BS->RestoreTPL(old);
	CHECK(old == TPL_APPLICATION, "we run at TPL %ld", (INT64)old);
	CHECK(mid == TPL_CALLBACK && top == TPL_NOTIFY, "RaiseTPL returned %ld then %ld",
	      (INT64)mid, (INT64)top);
	return EFI_SUCCESS;
}

/* An event signalled twice while its notify is blocked by the TPL is notified once. */
static EFI_STATUS signal_twice_notifies_once(void)
{
	EFI_TPL old;
	UINTN before;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL, &event));
	old = BS->RaiseTPL(TPL_NOTIFY);
	BS->SignalEvent(event);
	BS->SignalEvent(event);
	before = notified;
	BS->RestoreTPL(old);
	CHECK(before == 0, "a notify ran at TPL_NOTIFY");
	CHECK(notified == 1, "%ld notifies for two signals", (INT64)notified);
	/* A notify ran: the event is no longer signalled, the next signal notifies again. */
	CHECK_OK(BS->SignalEvent(event));
	CHECK(notified == 2, "%ld notifies after a third signal", (INT64)notified);
	return EFI_SUCCESS;
}

/* Installing and reinstalling both wake a RegisterProtocolNotify event. */
static EFI_STATUS reinstall_notifies(void)
{
	void *registration = NULL;
	EFI_HANDLE found[2];
	UINTN size;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL, &event));
	CHECK_OK(BS->RegisterProtocolNotify(&proto_b, event, &registration));
	CHECK_OK(BS->InstallProtocolInterface(&handle, &proto_b, EFI_NATIVE_INTERFACE, &iface_a));
	CHECK(notified == 1, "%ld notifies after install", (INT64)notified);
	size = sizeof(found);
	CHECK_OK(BS->LocateHandle(ByRegisterNotify, NULL, registration, &size, found));
	CHECK(size == sizeof(EFI_HANDLE) && found[0] == handle, "the new handle not returned");
	CHECK_OK(BS->ReinstallProtocolInterface(handle, &proto_b, &iface_a, &iface_b));
	CHECK(notified == 2, "%ld notifies after reinstall", (INT64)notified);
	size = sizeof(found);
	CHECK_OK(BS->LocateHandle(ByRegisterNotify, NULL, registration, &size, found));
	CHECK(found[0] == handle, "reinstalled handle not returned");
	return EFI_SUCCESS;
}

static EFI_STATUS register_protocol_notify_refused(void)
{
	void *registration;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL, &event));
	CHECK_STATUS(BS->RegisterProtocolNotify(NULL, event, &registration), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->RegisterProtocolNotify(&proto_a, event, NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

/* CopyMem of 0 bytes touches nothing; SetMem fills odd lengths and offsets exactly. */
static EFI_STATUS copy_set_mem_edges(void)
{
	static UINT8 buf[300];

	for (UINTN i = 0; i < sizeof(buf); i++)
		buf[i] = (UINT8)i;
	BS->CopyMem(buf, buf + 100, 0);
	CHECK(buf[0] == 0 && buf[1] == 1, "CopyMem of 0 bytes wrote");
	BS->CopyMem(buf + 1, buf + 1, 50);
	CHECK(buf[1] == 1 && buf[50] == 50, "CopyMem onto itself changed bytes");
	BS->SetMem(buf + 1, 257, 0x3c);
	CHECK(buf[0] == 0 && buf[1] == 0x3c && buf[257] == 0x3c && buf[258] == (UINT8)258,
	      "SetMem of 257 bytes: %d %d %d %d", buf[0], buf[1], buf[257], buf[258]);
	BS->SetMem(buf + 5, 0, 0x11);
	CHECK(buf[5] == 0x3c, "SetMem of 0 bytes wrote");
	return EFI_SUCCESS;
}

/* A page allocation of each kind lands where asked and shows up in the memory map typed. */
static EFI_STATUS allocate_pages_in_map(void)
{
	EFI_PHYSICAL_ADDRESS addr = 0xffffffff;
	EFI_MEMORY_DESCRIPTOR *map = NULL, *d;
	UINTN size = 0, key, desc_size = 0;
	UINT32 version;
	BOOLEAN found = FALSE;
	EFI_STATUS status;

	CHECK_OK(BS->AllocatePages(AllocateMaxAddress, EfiLoaderCode, 3, &addr));
	CHECK(addr + 3 * EFI_PAGE_SIZE - 1 <= 0xffffffff && !(addr & 0xfff), "pages at 0x%lx",
	      addr);
	BS->GetMemoryMap(&size, NULL, &key, &desc_size, &version);
	size += 4 * desc_size;
	status = BS->AllocatePool(EfiLoaderData, size, (void **)&map);
	if (!EFI_ERROR(status))
		status = BS->GetMemoryMap(&size, map, &key, &desc_size, &version);
	for (UINTN off = 0; !EFI_ERROR(status) && off < size; off += desc_size) {
		d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + off);
		if (addr >= d->PhysicalStart &&
		    addr + 3 * EFI_PAGE_SIZE <= d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE)
			found = d->Type == EfiLoaderCode;
	}
	if (map)
		BS->FreePool(map);
	BS->FreePages(addr, 3);
	CHECK(!EFI_ERROR(status), "GetMemoryMap: %r", status);
	CHECK(found, "the pages at 0x%lx are not EfiLoaderCode in the map", addr);
	return EFI_SUCCESS;
}

/* A NULL group makes CreateEventEx a CreateEvent. */
static EFI_STATUS create_event_ex_null_group(void)
{
	CHECK_OK(BS->CreateEventEx(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL, NULL,
				   &event));
	CHECK_OK(BS->SignalEvent(event));
	CHECK(notified == 1, "%ld notifies", (INT64)notified);
	return EFI_SUCCESS;
}

/* The ExitBootServices group may be joined by its GUID (not by EVT_ type); never signalled here. */
static EFI_STATUS exit_boot_services_group_joins(void)
{
	static EFI_GUID exit_group = {
		0x27abf055, 0xb1b8, 0x4c26, { 0x80, 0x48, 0x74, 0x8f, 0x37, 0xba, 0xa2, 0xdf }
	};

	CHECK_OK(BS->CreateEventEx(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL, &exit_group,
				   &event));
	CHECK(notified == 0, "notified at creation");
	return EFI_SUCCESS;
}

/* LocateHandle with no room: EFI_BUFFER_TOO_SMALL and the size of the whole list. */
static EFI_STATUS locate_handle_sizes(void)
{
	EFI_HANDLE one;
	UINTN size = 0;

	CHECK_STATUS(BS->LocateHandle(ByProtocol, &gEfiLoadedImageProtocolGuid, NULL, &size, &one),
		     EFI_BUFFER_TOO_SMALL);
	CHECK(size >= sizeof(EFI_HANDLE) && size % sizeof(EFI_HANDLE) == 0, "size %ld",
	      (INT64)size);
	size = 0;
	CHECK_STATUS(BS->LocateHandle(ByProtocol, &absent, NULL, &size, &one), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

static EFI_STATUS reinstall_same_interface(void)
{
	void *got = NULL;

	CHECK_OK(BS->InstallProtocolInterface(&handle, &proto_a, EFI_NATIVE_INTERFACE, &iface_a));
	CHECK_OK(BS->ReinstallProtocolInterface(handle, &proto_a, &iface_a, &iface_a));
	CHECK_OK(BS->HandleProtocol(handle, &proto_a, &got));
	CHECK(got == &iface_a, "interface %p after reinstalling itself", got);
	return EFI_SUCCESS;
}

/* Something that is not a handle is refused, never followed. */
static EFI_STATUS bogus_handle_refused(void)
{
	static UINT64 not_a_handle[8];
	void *p;

	CHECK_STATUS(BS->HandleProtocol(not_a_handle, &proto_a, &p), EFI_INVALID_PARAMETER);
	CHECK_STATUS(BS->UninstallProtocolInterface(not_a_handle, &proto_a, &iface_a),
		     EFI_INVALID_PARAMETER);
	handle2 = not_a_handle;
	CHECK_STATUS(
		BS->InstallProtocolInterface(&handle2, &proto_a, EFI_NATIVE_INTERFACE, &iface_a),
		EFI_INVALID_PARAMETER);
	handle2 = NULL;
	return EFI_SUCCESS;
}

static EFI_STATUS interface_type_refused(void)
{
	CHECK_STATUS(
		BS->InstallProtocolInterface(&handle, &proto_a, (EFI_INTERFACE_TYPE)1, &iface_a),
		EFI_INVALID_PARAMETER);
	CHECK(!handle, "a handle was created");
	return EFI_SUCCESS;
}

/* LocateProtocol with a registration gives each newly installed interface once. */
static EFI_STATUS locate_protocol_registration(void)
{
	void *registration = NULL, *got = NULL;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL, &event));
	CHECK_OK(BS->RegisterProtocolNotify(&proto_a, event, &registration));
	CHECK_STATUS(BS->LocateProtocol(&proto_a, registration, &got), EFI_NOT_FOUND);
	CHECK_OK(BS->InstallProtocolInterface(&handle, &proto_a, EFI_NATIVE_INTERFACE, &iface_a2));
	CHECK_OK(BS->LocateProtocol(&proto_a, registration, &got));
	CHECK(got == &iface_a2, "interface %p, installed %p", got, &iface_a2);
	CHECK_STATUS(BS->LocateProtocol(&proto_a, registration, &got), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(
	boot_services,
	{ "boot_services.install_multiple_rollback", reset, install_multiple_rollback, cleanup },
	{ "boot_services.uninstall_multiple_rollback", reset, uninstall_multiple_rollback,
	  cleanup },
	{ "boot_services.install_multiple_same_device_path", reset,
	  install_multiple_same_device_path, cleanup },
	{ "boot_services.locate_handle_buffer", reset, locate_handle_buffer, cleanup },
	{ "boot_services.protocols_per_handle", reset, protocols_per_handle, cleanup },
	{ "boot_services.handle_protocol_refused", reset, handle_protocol_refused, cleanup },
	{ "boot_services.raise_restore_tpl", reset, raise_restore_tpl, cleanup },
	{ "boot_services.signal_twice_notifies_once", reset, signal_twice_notifies_once, cleanup },
	{ "boot_services.reinstall_notifies", reset, reinstall_notifies, cleanup },
	{ "boot_services.register_protocol_notify_refused", reset, register_protocol_notify_refused,
	  cleanup },
	{ "boot_services.copy_set_mem_edges", reset, copy_set_mem_edges, cleanup },
	{ "boot_services.allocate_pages_in_map", reset, allocate_pages_in_map, cleanup },
	{ "boot_services.create_event_ex_null_group", reset, create_event_ex_null_group, cleanup },
	{ "boot_services.exit_boot_services_group_joins", reset, exit_boot_services_group_joins,
	  cleanup },
	{ "boot_services.locate_handle_sizes", reset, locate_handle_sizes, cleanup },
	{ "boot_services.reinstall_same_interface", reset, reinstall_same_interface, cleanup },
	{ "boot_services.bogus_handle_refused", reset, bogus_handle_refused, cleanup },
	{ "boot_services.interface_type_refused", reset, interface_type_refused, cleanup },
	{ "boot_services.locate_protocol_registration", reset, locate_protocol_registration,
	  cleanup });
