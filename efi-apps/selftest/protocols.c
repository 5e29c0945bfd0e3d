// SPDX-License-Identifier: MIT
/* Protocol database: install, reinstall, uninstall, lookups by protocol, by notify, by path. */
#include "efi-apps/selftest/selftest.h"

/* GUIDs of our own, so nothing else in the firmware answers for them. */
static EFI_GUID proto_a = { 0x3f5a1a40, 0x1d2e, 0x4c8b, { 0x9a, 0x11, 0x52, 0x7e, 0x10, 0x3c,
							   0x77, 0x01 } };
static EFI_GUID proto_b = { 0x3f5a1a40, 0x1d2e, 0x4c8b, { 0x9a, 0x11, 0x52, 0x7e, 0x10, 0x3c,
							   0x77, 0x02 } };
static EFI_GUID proto_c = { 0x3f5a1a40, 0x1d2e, 0x4c8b, { 0x9a, 0x11, 0x52, 0x7e, 0x10, 0x3c,
							   0x77, 0x03 } };

static UINT32 iface_a1, iface_a2, iface_b, iface_c;
static EFI_HANDLE handles[3];
static EFI_EVENT notify_event;
static volatile UINTN notified;

static EFI_STATUS reset(void)
{
	SetMem(handles, sizeof(handles), 0);
	notify_event = NULL;
	notified = 0;
	return EFI_SUCCESS;
}

/* Remove whatever a case left installed; unknown pairs just fail quietly. */
static void uninstall_all(void)
{
	void *ifaces[] = { &iface_a1, &iface_a2, &iface_b, &iface_c };
	EFI_GUID *guids[] = { &proto_a, &proto_b, &proto_c };

	for (UINTN h = 0; h < 3; h++) {
		if (!handles[h])
			continue;
		for (UINTN g = 0; g < 3; g++)
			for (UINTN i = 0; i < 4; i++)
				BS->UninstallProtocolInterface(handles[h], guids[g], ifaces[i]);
	}
	if (notify_event)
		BS->CloseEvent(notify_event);
	reset();
}

static EFI_STATUS install_reinstall_uninstall(void)
{
	void *got = NULL;

	CHECK_OK(BS->InstallProtocolInterface(&handles[0], &proto_a, EFI_NATIVE_INTERFACE,
					      &iface_a1));
	CHECK(handles[0], "no handle created");
	CHECK_OK(BS->HandleProtocol(handles[0], &proto_a, &got));
	CHECK(got == &iface_a1, "HandleProtocol gave %p, installed %p", got, &iface_a1);
	CHECK_STATUS(BS->InstallProtocolInterface(&handles[0], &proto_a, EFI_NATIVE_INTERFACE,
						  &iface_a2),
		     EFI_INVALID_PARAMETER);
	CHECK_OK(BS->ReinstallProtocolInterface(handles[0], &proto_a, &iface_a1, &iface_a2));
	CHECK_OK(BS->HandleProtocol(handles[0], &proto_a, &got));
	CHECK(got == &iface_a2, "after reinstall HandleProtocol gave %p", got);
	CHECK_STATUS(BS->ReinstallProtocolInterface(handles[0], &proto_a, &iface_a1, &iface_a2),
		     EFI_NOT_FOUND);
	/* A second protocol keeps the handle alive when the first goes. */
	CHECK_OK(BS->InstallProtocolInterface(&handles[0], &proto_b, EFI_NATIVE_INTERFACE,
					      &iface_b));
	CHECK_STATUS(BS->UninstallProtocolInterface(handles[0], &proto_a, &iface_a1),
		     EFI_NOT_FOUND);
	CHECK_OK(BS->UninstallProtocolInterface(handles[0], &proto_a, &iface_a2));
	CHECK_STATUS(BS->HandleProtocol(handles[0], &proto_a, &got), EFI_UNSUPPORTED);
	CHECK_OK(BS->HandleProtocol(handles[0], &proto_b, &got));
	CHECK_OK(BS->UninstallProtocolInterface(handles[0], &proto_b, &iface_b));
	handles[0] = NULL;
	CHECK_STATUS(BS->InstallProtocolInterface(NULL, &proto_a, EFI_NATIVE_INTERFACE, &iface_a1),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS multiple_interfaces(void)
{
	EFI_GUID **guids = NULL;
	UINTN count = 0;
	BOOLEAN seen_a = FALSE, seen_b = FALSE;
	void *got;

	CHECK_OK(BS->InstallMultipleProtocolInterfaces(&handles[0], &proto_a, &iface_a1, &proto_b,
						       &iface_b, NULL));
	CHECK_OK(BS->ProtocolsPerHandle(handles[0], &guids, &count));
	for (UINTN i = 0; i < count; i++) {
		seen_a |= guid_equal(guids[i], &proto_a);
		seen_b |= guid_equal(guids[i], &proto_b);
	}
	BS->FreePool(guids);
	CHECK(count == 2 && seen_a && seen_b, "ProtocolsPerHandle: %ld GUIDs, a %d b %d",
	      (INT64)count, seen_a, seen_b);
	/* All or nothing: one bad pair leaves the other installed. */
	CHECK_STATUS(BS->UninstallMultipleProtocolInterfaces(handles[0], &proto_a, &iface_a1,
							     &proto_b, &iface_c, NULL),
		     EFI_INVALID_PARAMETER);
	CHECK_OK(BS->HandleProtocol(handles[0], &proto_a, &got));
	CHECK_OK(BS->UninstallMultipleProtocolInterfaces(handles[0], &proto_a, &iface_a1, &proto_b,
							 &iface_b, NULL));
	handles[0] = NULL;
	return EFI_SUCCESS;
}

static EFI_STATUS locate_by_protocol(void)
{
	EFI_HANDLE *buf = NULL, one[1];
	UINTN count = 0, size;
	void *got = NULL;

	CHECK_STATUS(BS->LocateHandleBuffer(ByProtocol, &proto_c, NULL, &count, &buf),
		     EFI_NOT_FOUND);
	CHECK_STATUS(BS->LocateProtocol(&proto_c, NULL, &got), EFI_NOT_FOUND);
	CHECK_OK(BS->InstallProtocolInterface(&handles[0], &proto_c, EFI_NATIVE_INTERFACE,
					      &iface_c));
	CHECK_OK(BS->InstallProtocolInterface(&handles[1], &proto_c, EFI_NATIVE_INTERFACE,
					      &iface_c));
	CHECK_OK(BS->LocateHandleBuffer(ByProtocol, &proto_c, NULL, &count, &buf));
	BOOLEAN ok = count == 2 && ((buf[0] == handles[0] && buf[1] == handles[1]) ||
				    (buf[0] == handles[1] && buf[1] == handles[0]));
	BS->FreePool(buf);
	CHECK(ok, "ByProtocol found %ld handles, not our two", (INT64)count);
	/* LocateHandle's two-call protocol: too small says how much is needed. */
	size = sizeof(one);
	CHECK_STATUS(BS->LocateHandle(ByProtocol, &proto_c, NULL, &size, one),
		     EFI_BUFFER_TOO_SMALL);
	CHECK(size == 2 * sizeof(EFI_HANDLE), "required size %ld", (INT64)size);
	CHECK_OK(BS->LocateProtocol(&proto_c, NULL, &got));
	CHECK(got == &iface_c, "LocateProtocol gave %p", got);
	/* AllHandles includes ours, the self-test's image handle and the firmware's console. */
	CHECK_OK(BS->LocateHandleBuffer(AllHandles, NULL, NULL, &count, &buf));
	ok = FALSE;
	for (UINTN i = 0; i < count; i++)
		ok |= buf[i] == handles[1];
	BS->FreePool(buf);
	CHECK(ok && count >= 4, "AllHandles: %ld handles, ours %a", (INT64)count,
	      ok ? "present" : "missing");
	return EFI_SUCCESS;
}

static EFIAPI void count_notify(EFI_EVENT event, void *context)
{
	notified++;
}

static EFI_STATUS locate_by_register_notify(void)
{
	void *registration = NULL;
	EFI_HANDLE found[2];
	UINTN size;

	CHECK_OK(BS->CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, count_notify, NULL,
				 &notify_event));
	CHECK_OK(BS->RegisterProtocolNotify(&proto_b, notify_event, &registration));
	CHECK(registration, "no registration key");
	size = sizeof(found);
	CHECK_STATUS(BS->LocateHandle(ByRegisterNotify, NULL, registration, &size, found),
		     EFI_NOT_FOUND);
	CHECK_OK(BS->InstallProtocolInterface(&handles[0], &proto_b, EFI_NATIVE_INTERFACE,
					      &iface_b));
	CHECK(notified == 1, "notify ran %ld times after one install", (INT64)notified);
	/* ByRegisterNotify hands out each new handle once, one per call. */
	size = sizeof(found);
	CHECK_OK(BS->LocateHandle(ByRegisterNotify, NULL, registration, &size, found));
	CHECK(size == sizeof(EFI_HANDLE) && found[0] == handles[0], "got %ld bytes, handle %p",
	      (INT64)size, found[0]);
	size = sizeof(found);
	CHECK_STATUS(BS->LocateHandle(ByRegisterNotify, NULL, registration, &size, found),
		     EFI_NOT_FOUND);
	/* Reinstall counts as a new install for notifies. */
	CHECK_OK(BS->ReinstallProtocolInterface(handles[0], &proto_b, &iface_b, &iface_b));
	CHECK(notified == 2, "notify ran %ld times after reinstall", (INT64)notified);
	/* LocateHandleBuffer by notify: the reinstalled handle is new to this registration. */
	EFI_HANDLE *buf = NULL;
	UINTN count = 0;
	CHECK_OK(BS->LocateHandleBuffer(ByRegisterNotify, NULL, registration, &count, &buf));
	BOOLEAN ok = count == 1 && buf[0] == handles[0];
	BS->FreePool(buf);
	CHECK(ok, "LocateHandleBuffer(ByRegisterNotify) gave %ld handles", (INT64)count);
	/* Installing something else does not signal it. */
	CHECK_OK(BS->InstallProtocolInterface(&handles[1], &proto_c, EFI_NATIVE_INTERFACE,
					      &iface_c));
	CHECK(notified == 2, "notify ran for another protocol");
	CHECK_STATUS(BS->LocateHandleBuffer(ByRegisterNotify, NULL, registration, &count, &buf),
		     EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

/* A device path of one vendor node (+ an optional second) and the end node. */
struct vendor_path {
	VENDOR_DEVICE_PATH v1;
	VENDOR_DEVICE_PATH v2;
	EFI_DEVICE_PATH end;
} __attribute__((packed));

static void set_node(EFI_DEVICE_PATH *n, UINT8 type, UINT8 sub, UINT16 len)
{
	n->Type = type;
	n->SubType = sub;
	n->Length[0] = (UINT8)len;
	n->Length[1] = (UINT8)(len >> 8);
}

static struct vendor_path short_path, long_path;

static EFI_STATUS locate_device_path(void)
{
	EFI_DEVICE_PATH *dp = (EFI_DEVICE_PATH *)&long_path, *dp2;
	EFI_HANDLE found = NULL;

	set_node(&short_path.v1.Header, HARDWARE_DEVICE_PATH, HW_VENDOR_DP,
		 sizeof(VENDOR_DEVICE_PATH));
	short_path.v1.Guid = proto_a;
	/* short_path ends after v1: its end node sits where v2 begins. */
	set_node(&short_path.v2.Header, END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, 4);
	long_path = short_path;
	set_node(&long_path.v2.Header, HARDWARE_DEVICE_PATH, HW_VENDOR_DP,
		 sizeof(VENDOR_DEVICE_PATH));
	long_path.v2.Guid = proto_b;
	set_node(&long_path.end, END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, 4);

	CHECK_OK(BS->InstallMultipleProtocolInterfaces(&handles[0], &DevicePathProtocol,
						       &short_path, &proto_c, &iface_c, NULL));
	/* The closest match is our one-node handle; the path comes back past the matched part. */
	CHECK_OK(BS->LocateDevicePath(&proto_c, &dp, &found));
	CHECK(found == handles[0], "found handle %p, expected %p", found, handles[0]);
	CHECK(dp == (EFI_DEVICE_PATH *)&long_path.v2, "remaining path at offset %ld, expected %ld",
	      (INT64)((UINT8 *)dp - (UINT8 *)&long_path), (INT64)sizeof(VENDOR_DEVICE_PATH));
	/* Protocol not on any handle along the path. */
	dp2 = (EFI_DEVICE_PATH *)&long_path;
	CHECK_STATUS(BS->LocateDevicePath(&proto_b, &dp2, &found), EFI_NOT_FOUND);
	/* Our own image's file path leads back to the volume we were loaded from. */
	EFI_DEVICE_PATH *img_path = DevicePathFromHandle(selftest_loaded_image->DeviceHandle);
	CHECK(img_path, "boot device handle has no device path");
	EFI_DEVICE_PATH *full = AppendDevicePath(img_path, selftest_loaded_image->FilePath);
	CHECK(full, "AppendDevicePath failed");
	dp2 = full;
	EFI_STATUS status = BS->LocateDevicePath(&FileSystemProtocol, &dp2, &found);
	BOOLEAN rest_is_file = DevicePathType(dp2) == MEDIA_DEVICE_PATH &&
			       DevicePathSubType(dp2) == MEDIA_FILEPATH_DP;
	FreePool(full);
	CHECK(status == EFI_SUCCESS, "LocateDevicePath(SimpleFileSystem, our path): %r", status);
	CHECK(found == selftest_loaded_image->DeviceHandle, "found %p, loaded from %p", found,
	      selftest_loaded_image->DeviceHandle);
	CHECK(rest_is_file, "remaining path is not our file path node");
	return EFI_SUCCESS;
}

static void uninstall_device_path(void)
{
	if (handles[0])
		BS->UninstallMultipleProtocolInterfaces(handles[0], &DevicePathProtocol,
							&short_path, &proto_c, &iface_c, NULL);
	handles[0] = NULL;
	uninstall_all();
}

SELFTEST_SUITE(protocols,
	       { "protocols.install_reinstall_uninstall", reset, install_reinstall_uninstall,
		 uninstall_all },
	       { "protocols.multiple_interfaces", reset, multiple_interfaces, uninstall_all },
	       { "protocols.locate_by_protocol", reset, locate_by_protocol, uninstall_all },
	       { "protocols.locate_by_register_notify", reset, locate_by_register_notify,
		 uninstall_all },
	       { "protocols.locate_device_path", reset, locate_device_path,
		 uninstall_device_path });
