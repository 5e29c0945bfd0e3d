// SPDX-License-Identifier: MIT
/* EFI_PCI_IO_PROTOCOL on the virtio-blk function, against the root bridge; the driver model. */
#include "efi-apps/selftest/selftest.h"

/* gnu-efi's efipciio.h gives both protocols; our GUID for a handle no driver can know. */
static EFI_GUID pci_io_guid = EFI_PCI_IO_PROTOCOL_GUID;
static EFI_GUID root_bridge_guid = EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_GUID;
static EFI_GUID lonely_guid = { 0x5a7a0003, 0x9c1e, 0x4b6d,
				{ 0x8a, 0x11, 0x53, 0x54, 0x52, 0x41, 0x54, 0x41 } };

#define VIRTIO_VENDOR 0x1af4
/* virtio-blk: the transitional id and the modern one (0x1040 + device type 2). */
#define VIRTIO_BLK_LEGACY 0x1001
#define VIRTIO_BLK_MODERN 0x1042

static EFI_HANDLE disk_handle;
static EFI_PCI_IO_PROTOCOL *io;
static UINTN seg, bus, dev, fn;

/* The first handle whose PCI I/O reads a virtio-blk vendor and device id. */
static EFI_STATUS find_virtio_blk(void)
{
	EFI_HANDLE *handles;
	UINTN count;
	EFI_STATUS status =
		BS->LocateHandleBuffer(ByProtocol, &pci_io_guid, NULL, &count, &handles);

	if (EFI_ERROR(status))
		return status;
	status = EFI_NOT_FOUND;
	for (UINTN i = 0; i < count && status == EFI_NOT_FOUND; i++) {
		UINT16 id[2];

		if (EFI_ERROR(BS->HandleProtocol(handles[i], &pci_io_guid, (void **)&io)) ||
		    EFI_ERROR(io->Pci.Read(io, EfiPciIoWidthUint16, 0, 2, id)))
			continue;
		if (id[0] == VIRTIO_VENDOR &&
		    (id[1] == VIRTIO_BLK_LEGACY || id[1] == VIRTIO_BLK_MODERN)) {
			disk_handle = handles[i];
			status = io->GetLocation(io, &seg, &bus, &dev, &fn);
		}
	}
	FreePool(handles);
	return status;
}

static EFI_STATUS ids_match_root_bridge(void)
{
	EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *rb;
	UINT32 via_io, via_root;
	UINT8 bytes[4];

	CHECK_OK(BS->LocateProtocol(&root_bridge_guid, NULL, (void **)&rb));
	CHECK_OK(io->Pci.Read(io, EfiPciIoWidthUint32, 0, 1, &via_io));
	CHECK_OK(rb->Pci.Read(rb, EfiPciIoWidthUint32, (UINT64)bus << 24 | dev << 16 | fn << 8, 1,
			      &via_root));
	CHECK(via_io == via_root, "PCI I/O read %x, the root bridge %x at %d:%d.%d", via_io,
	      via_root, bus, dev, fn);
	/* A FIFO read repeats register 0, a normal one walks the bytes. */
	CHECK_OK(io->Pci.Read(io, EfiPciIoWidthFifoUint8, 0, 4, bytes));
	CHECK(bytes[0] == bytes[3] && bytes[0] == (UINT8)via_io, "FIFO read %x %x", bytes[0],
	      bytes[3]);
	CHECK_OK(io->Pci.Read(io, EfiPciIoWidthUint8, 0, 4, bytes));
	CHECK((bytes[0] | bytes[1] << 8 | bytes[2] << 16 | (UINT32)bytes[3] << 24) == via_io,
	      "byte reads disagree with the dword");
	return EFI_SUCCESS;
}

static EFI_STATUS location_matches_device_path(void)
{
	EFI_DEVICE_PATH *node, *last_pci = NULL;

	CHECK(seg == 0, "segment %d", seg);
	CHECK_OK(BS->HandleProtocol(disk_handle, &gEfiDevicePathProtocolGuid, (void **)&node));
	for (; !IsDevicePathEnd(node); node = NextDevicePathNode(node))
		if (DevicePathType(node) == HARDWARE_DEVICE_PATH &&
		    DevicePathSubType(node) == HW_PCI_DP)
			last_pci = node;
	CHECK(last_pci != NULL, "no Pci() node in the function's device path");
	CHECK(((PCI_DEVICE_PATH *)last_pci)->Device == dev &&
		      ((PCI_DEVICE_PATH *)last_pci)->Function == fn,
	      "Pci(%x,%x) in the path, GetLocation says %x.%x",
	      ((PCI_DEVICE_PATH *)last_pci)->Device, ((PCI_DEVICE_PATH *)last_pci)->Function, dev,
	      fn);
	return EFI_SUCCESS;
}

static EFI_STATUS attributes_are_command_bits(void)
{
	UINT64 now, supported;
	UINT16 command;

	CHECK_OK(io->Attributes(io, EfiPciIoAttributeOperationGet, 0, &now));
	CHECK_OK(io->Attributes(io, EfiPciIoAttributeOperationSupported, 0, &supported));
	CHECK_OK(io->Pci.Read(io, EfiPciIoWidthUint16, 4, 1, &command));
	/* IO, MEMORY and BUS_MASTER are bits 0-2 of the command register. */
	CHECK(((now >> 8) & 7) == (command & 7u), "attributes %lx, command register %x", now,
	      command);
	CHECK((now & ~supported) == 0, "attributes %lx beyond the supported %lx", now, supported);
	CHECK(supported & EFI_PCI_IO_ATTRIBUTE_MEMORY, "a virtio-blk BAR is memory: %lx",
	      supported);
	CHECK_STATUS(io->Attributes(io, EfiPciIoAttributeOperationGet, 0, NULL),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

/* Every implemented BAR: one QWORD descriptor and an end tag; reads stop at the BAR's end. */
static EFI_STATUS bar_descriptors_bound_accesses(void)
{
	UINTN memory_bars = 0;

	for (UINT8 bar = 0; bar < 6; bar++) {
		UINT8 *d;
		UINT64 length;
		UINT32 value;

		if (io->GetBarAttributes(io, bar, NULL, (void **)&d) != EFI_SUCCESS)
			continue;
		length = *(UINT64 *)(d + 38);
		CHECK(d[0] == 0x8a && d[46] == 0x79, "BAR %d: descriptor %x, then %x", bar, d[0],
		      d[46]);
		CHECK(d[3] == 0 || d[3] == 1, "BAR %d: resource type %d", bar, d[3]);
		CHECK(length >= 4, "BAR %d: length %lx", bar, length);
		if (d[3] == 0) {
			memory_bars++;
			CHECK_OK(io->Mem.Read(io, EfiPciIoWidthUint32, bar, length - 4, 1, &value));
			/* §14.4.4: a range beyond the BAR is EFI_UNSUPPORTED. */
			CHECK_STATUS(io->Mem.Read(io, EfiPciIoWidthUint32, bar, length, 1, &value),
				     EFI_UNSUPPORTED);
			CHECK(EFI_ERROR(io->Io.Read(io, EfiPciIoWidthUint32, bar, 0, 1, &value)),
			      "an I/O read of memory BAR %d succeeded", bar);
		}
		FreePool(d);
	}
	CHECK(memory_bars > 0, "no memory BAR described on the virtio-blk function");
	CHECK_STATUS(io->GetBarAttributes(io, 6, NULL, NULL), EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

/* Without an IOMMU, DMA addresses are host addresses; a common buffer comes from below 4 GiB. */
static EFI_STATUS map_and_allocate_buffer(void)
{
	EFI_PHYSICAL_ADDRESS device;
	UINTN bytes = 4096;
	void *buffer, *mapping;
	UINT8 data[64];

	CHECK_STATUS(io->AllocateBuffer(io, AllocateAnyPages, EfiBootServicesData, 1, &buffer,
					EFI_PCI_ATTRIBUTE_IO),
		     EFI_UNSUPPORTED);
	CHECK_OK(io->AllocateBuffer(io, AllocateAnyPages, EfiBootServicesData, 1, &buffer, 0));
	CHECK((UINTN)buffer + 4095 <= 0xffffffffu && ((UINTN)buffer & 4095) == 0,
	      "AllocateBuffer gave %lx", (UINT64)(UINTN)buffer);
	CHECK_OK(io->Map(io, EfiPciIoOperationBusMasterCommonBuffer, buffer, &bytes, &device,
			 &mapping));
	CHECK(device == (UINTN)buffer && bytes == 4096, "common buffer at %lx mapped to %lx (%d)",
	      (UINT64)(UINTN)buffer, device, bytes);
	CHECK_OK(io->Unmap(io, mapping));
	CHECK_OK(io->FreeBuffer(io, 1, buffer));
	bytes = sizeof(data);
	CHECK_OK(io->Map(io, EfiPciIoOperationBusMasterRead, data, &bytes, &device, &mapping));
	CHECK(bytes == sizeof(data), "Map shortened a %d-byte buffer to %d", sizeof(data), bytes);
	CHECK_OK(io->Unmap(io, mapping));
	CHECK_OK(io->Flush(io));
	return EFI_SUCCESS;
}

/* The firmware drives the disk it booted from: a driver cannot open its PCI I/O BY_DRIVER too. */
static EFI_STATUS in_use_refuses_by_driver(void)
{
	void *taken;
	EFI_STATUS status = BS->OpenProtocol(disk_handle, &pci_io_guid, &taken, selftest_image,
					     disk_handle, EFI_OPEN_PROTOCOL_BY_DRIVER);

	if (!EFI_ERROR(status))
		BS->CloseProtocol(disk_handle, &pci_io_guid, selftest_image, disk_handle);
	CHECK(status == EFI_ACCESS_DENIED, "BY_DRIVER open of the boot disk's PCI I/O: %r", status);
	return EFI_SUCCESS;
}

static EFI_HANDLE lonely;
static UINT32 lonely_marker;

static EFI_STATUS lonely_setup(void)
{
	lonely = NULL;
	return BS->InstallProtocolInterface(&lonely, &lonely_guid, EFI_NATIVE_INTERFACE,
					    &lonely_marker);
}

/* §7.3.12: no driver's Supported takes a handle of a protocol only this test knows. */
static EFI_STATUS connect_without_driver(void)
{
	CHECK_STATUS(BS->ConnectController(lonely, NULL, NULL, TRUE), EFI_NOT_FOUND);
	CHECK_STATUS(BS->ConnectController(NULL, NULL, NULL, FALSE), EFI_INVALID_PARAMETER);
	/* Nothing manages it, so disconnecting succeeds. */
	CHECK_OK(BS->DisconnectController(lonely, NULL, NULL));
	return EFI_SUCCESS;
}

static void lonely_teardown(void)
{
	BS->UninstallProtocolInterface(lonely, &lonely_guid, &lonely_marker);
}

/*
 * Two driver bindings of our own, A (Version 0x10) and B (0x20), for the lonely handle alone:
 * each call appends a letter to trace (s/S/T: Supported, Start, Stop; lower case A, upper B).
 */
static EFI_DRIVER_BINDING_PROTOCOL bindings[2];
static CHAR8 trace[16];
static UINTN traced;

static void note(EFI_DRIVER_BINDING_PROTOCOL *This, CHAR8 what)
{
	if (traced < sizeof(trace) - 3) {
		trace[traced++] = what;
		trace[traced++] = This == &bindings[0] ? 'a' : 'b';
		trace[traced] = 0;
	}
}

static EFI_STATUS EFIAPI binding_supported(EFI_DRIVER_BINDING_PROTOCOL *This,
					   EFI_HANDLE Controller, EFI_DEVICE_PATH *Remaining)
{
	if (Controller != lonely)
		return EFI_UNSUPPORTED;
	note(This, 's');
	return BS->OpenProtocol(Controller, &lonely_guid, NULL, This->DriverBindingHandle,
				Controller, EFI_OPEN_PROTOCOL_TEST_PROTOCOL);
}

/* B holds the protocol BY_DRIVER, so DisconnectController has it to stop; A holds nothing. */
static EFI_STATUS EFIAPI binding_start(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE Controller,
				       EFI_DEVICE_PATH *Remaining)
{
	void *marker;

	note(This, 'S');
	if (This == &bindings[0])
		return EFI_SUCCESS;
	return BS->OpenProtocol(Controller, &lonely_guid, &marker, This->DriverBindingHandle,
				Controller, EFI_OPEN_PROTOCOL_BY_DRIVER);
}

static EFI_STATUS EFIAPI binding_stop(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE Controller,
				      UINTN Children, EFI_HANDLE *ChildHandles)
{
	note(This, 'T');
	return BS->CloseProtocol(Controller, &lonely_guid, This->DriverBindingHandle, Controller);
}

static EFI_STATUS bindings_setup(void)
{
	EFI_GUID binding_guid = EFI_DRIVER_BINDING_PROTOCOL_GUID;
	EFI_STATUS status = lonely_setup();

	traced = 0;
	trace[0] = 0;
	for (UINTN i = 0; i < 2 && !EFI_ERROR(status); i++) {
		bindings[i] = (EFI_DRIVER_BINDING_PROTOCOL){ binding_supported, binding_start,
							     binding_stop, 0x10 + 0x10 * (UINT32)i,
							     selftest_image, NULL };
		status = BS->InstallProtocolInterface(&bindings[i].DriverBindingHandle,
						      &binding_guid, EFI_NATIVE_INTERFACE,
						      &bindings[i]);
	}
	return status;
}

/* §7.3.12: by Version, highest first, the list tried again from the top after each Start. */
static EFI_STATUS connect_by_version_then_stop(void)
{
	CHECK_OK(BS->ConnectController(lonely, NULL, NULL, FALSE));
	CHECK(strcmpa(trace, (CHAR8 *)"sbSbsaSa") == 0, "ConnectController called %a", trace);
	traced = 0;
	CHECK_OK(BS->DisconnectController(lonely, NULL, NULL));
	CHECK(strcmpa(trace, (CHAR8 *)"Tb") == 0, "DisconnectController called %a", trace);
	return EFI_SUCCESS;
}

/*
 * §7.3.4: ReinstallProtocolInterface stops the driver holding the interface (B), then
 * connects the controller again, every driver tried as by a first ConnectController.
 */
static EFI_STATUS reinstall_reconnects(void)
{
	CHECK_OK(BS->ConnectController(lonely, NULL, NULL, FALSE));
	traced = 0;
	CHECK_OK(BS->ReinstallProtocolInterface(lonely, &lonely_guid, &lonely_marker,
						&lonely_marker));
	CHECK(strcmpa(trace, (CHAR8 *)"TbsbSbsaSa") == 0, "ReinstallProtocolInterface called %a",
	      trace);
	traced = 0;
	CHECK_OK(BS->DisconnectController(lonely, NULL, NULL));
	CHECK(strcmpa(trace, (CHAR8 *)"Tb") == 0, "DisconnectController called %a", trace);
	return EFI_SUCCESS;
}

static void bindings_teardown(void)
{
	EFI_GUID binding_guid = EFI_DRIVER_BINDING_PROTOCOL_GUID;

	for (UINTN i = 0; i < 2; i++)
		if (bindings[i].DriverBindingHandle)
			BS->UninstallProtocolInterface(bindings[i].DriverBindingHandle,
						       &binding_guid, &bindings[i]);
	lonely_teardown();
}

SELFTEST_SUITE(pci_io,
	       { "pci_io.ids_match_root_bridge", find_virtio_blk, ids_match_root_bridge, NULL },
	       { "pci_io.location_matches_device_path", find_virtio_blk,
		 location_matches_device_path, NULL },
	       { "pci_io.attributes_are_command_bits", find_virtio_blk,
		 attributes_are_command_bits, NULL },
	       { "pci_io.bar_descriptors_bound_accesses", find_virtio_blk,
		 bar_descriptors_bound_accesses, NULL },
	       { "pci_io.map_and_allocate_buffer", find_virtio_blk, map_and_allocate_buffer, NULL },
	       { "pci_io.in_use_refuses_by_driver", find_virtio_blk, in_use_refuses_by_driver,
		 NULL },
	       { "driver_binding.connect_without_driver_not_found", lonely_setup,
		 connect_without_driver, lonely_teardown },
	       { "driver_binding.connect_by_version_then_stop", bindings_setup,
		 connect_by_version_then_stop, bindings_teardown },
	       { "driver_binding.reinstall_reconnects", bindings_setup, reinstall_reconnects,
		 bindings_teardown });
