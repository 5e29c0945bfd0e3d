// SPDX-License-Identifier: MIT
/*
 * A small UEFI driver-model driver, built by tests/boot/test_shell_driver.py with the ids of the
 * device it must bind (MATCH_VENDOR, MATCH_DEVICE): Supported takes PCI I/O of that function only,
 * Start installs a marker protocol and a child handle (PCI I/O opened BY_CHILD_CONTROLLER) which
 * the same driver binds again when ConnectController recurses; Stop undoes both. Each step prints
 * one line, so the Shell's load, connect, drivers, dh and disconnect can be checked.
 */
#include <efi.h>
#include <efilib.h>

#ifndef MATCH_VENDOR
#define MATCH_VENDOR 0x1b36 /* QEMU's pci-testdev */
#define MATCH_DEVICE 0x0005
#endif

static EFI_GUID pci_io_guid = EFI_PCI_IO_PROTOCOL_GUID;
static EFI_GUID binding_guid = EFI_DRIVER_BINDING_PROTOCOL_GUID;
static EFI_GUID name2_guid = EFI_COMPONENT_NAME2_PROTOCOL_GUID;
/* Our own protocols: "bound" on the device and the child, "child" marks the child handle. */
static EFI_GUID bound_guid = { 0x5a7a0001, 0x9c1e, 0x4b6d,
			       { 0x8a, 0x11, 0x53, 0x54, 0x52, 0x41, 0x54, 0x41 } };
static EFI_GUID child_guid = { 0x5a7a0002, 0x9c1e, 0x4b6d,
			       { 0x8a, 0x11, 0x53, 0x54, 0x52, 0x41, 0x54, 0x41 } };

static EFI_DRIVER_BINDING_PROTOCOL binding;
static UINT32 bound_marker, child_marker;
static EFI_HANDLE child;

static struct {
	VENDOR_DEVICE_PATH node;
	EFI_DEVICE_PATH end;
} __attribute__((packed)) child_node = {
	{ { HARDWARE_DEVICE_PATH, HW_VENDOR_DP, { sizeof(VENDOR_DEVICE_PATH), 0 } },
	  { 0x5a7a0002, 0x9c1e, 0x4b6d, { 0x8a, 0x11, 0x53, 0x54, 0x52, 0x41, 0x54, 0x41 } } },
	{ END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, { 4, 0 } },
};

static EFI_STATUS EFIAPI get_driver_name(EFI_COMPONENT_NAME2_PROTOCOL *This, CHAR8 *Language,
					 CHAR16 **DriverName)
{
	if (!Language || !DriverName)
		return EFI_INVALID_PARAMETER;
	if (Language[0] != 'e' || Language[1] != 'n')
		return EFI_UNSUPPORTED;
	*DriverName = L"Strata PCI test driver";
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI get_controller_name(EFI_COMPONENT_NAME2_PROTOCOL *This,
					     EFI_HANDLE Controller, EFI_HANDLE Child,
					     CHAR8 *Language, CHAR16 **ControllerName)
{
	return EFI_UNSUPPORTED;
}

static EFI_COMPONENT_NAME2_PROTOCOL name2 = { get_driver_name, get_controller_name, (CHAR8 *)"en" };

static EFI_STATUS EFIAPI supported(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE Controller,
				   EFI_DEVICE_PATH *Remaining)
{
	EFI_PCI_IO_PROTOCOL *io;
	UINT32 id = 0;
	EFI_STATUS status;

	/* The child: ours to bind once, through its marker. */
	status = BS->OpenProtocol(Controller, &child_guid, NULL, This->DriverBindingHandle,
				  Controller, EFI_OPEN_PROTOCOL_TEST_PROTOCOL);
	if (!EFI_ERROR(status))
		return BS->OpenProtocol(Controller, &bound_guid, NULL, This->DriverBindingHandle,
					Controller, EFI_OPEN_PROTOCOL_TEST_PROTOCOL) == EFI_SUCCESS
			       ? EFI_ALREADY_STARTED
			       : EFI_SUCCESS;
	status = BS->OpenProtocol(Controller, &pci_io_guid, (void **)&io, This->DriverBindingHandle,
				  Controller, EFI_OPEN_PROTOCOL_BY_DRIVER);
	if (EFI_ERROR(status))
		return status;
	status = io->Pci.Read(io, EfiPciIoWidthUint32, 0, 1, &id);
	BS->CloseProtocol(Controller, &pci_io_guid, This->DriverBindingHandle, Controller);
	if (EFI_ERROR(status))
		return status;
	return id == (MATCH_VENDOR | (UINT32)MATCH_DEVICE << 16) ? EFI_SUCCESS : EFI_UNSUPPORTED;
}

static EFI_STATUS start_child(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE Controller)
{
	void *marker;
	EFI_STATUS status = BS->OpenProtocol(Controller, &child_guid, &marker,
					     This->DriverBindingHandle, Controller,
					     EFI_OPEN_PROTOCOL_BY_DRIVER);

	if (EFI_ERROR(status))
		return status;
	status = BS->InstallProtocolInterface(&Controller, &bound_guid, EFI_NATIVE_INTERFACE,
					      &bound_marker);
	if (EFI_ERROR(status))
		return status;
	Print(L"pci-driver: started on its child\n");
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI start(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE Controller,
			       EFI_DEVICE_PATH *Remaining)
{
	EFI_PCI_IO_PROTOCOL *io;
	EFI_DEVICE_PATH *path;
	UINTN seg, bus, dev, fn;
	EFI_STATUS status;

	if (!EFI_ERROR(BS->OpenProtocol(Controller, &child_guid, NULL, This->DriverBindingHandle,
					Controller, EFI_OPEN_PROTOCOL_TEST_PROTOCOL)))
		return start_child(This, Controller);
	status = BS->OpenProtocol(Controller, &pci_io_guid, (void **)&io, This->DriverBindingHandle,
				  Controller, EFI_OPEN_PROTOCOL_BY_DRIVER);
	if (EFI_ERROR(status))
		return status;
	io->GetLocation(io, &seg, &bus, &dev, &fn);
	BS->InstallProtocolInterface(&Controller, &bound_guid, EFI_NATIVE_INTERFACE, &bound_marker);
	path = AppendDevicePathNode(DevicePathFromHandle(Controller),
				    (EFI_DEVICE_PATH *)&child_node.node);
	child = NULL;
	status = BS->InstallMultipleProtocolInterfaces(&child, &gEfiDevicePathProtocolGuid, path,
							&child_guid, &child_marker, NULL);
	if (!EFI_ERROR(status))
		status = BS->OpenProtocol(Controller, &pci_io_guid, (void **)&io,
					  This->DriverBindingHandle, child,
					  EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER);
	Print(L"pci-driver: started on %04x:%04x at %02x:%02x.%x, child %r\n", MATCH_VENDOR,
	      MATCH_DEVICE, bus, dev, fn, status);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI stop(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE Controller,
			      UINTN NumberOfChildren, EFI_HANDLE *Children)
{
	for (UINTN i = 0; i < NumberOfChildren; i++) {
		EFI_DEVICE_PATH *path = DevicePathFromHandle(Children[i]);

		/* This driver binds the child too: uninstalling its marker unbinds it first. */
		BS->CloseProtocol(Controller, &pci_io_guid, This->DriverBindingHandle, Children[i]);
		BS->UninstallMultipleProtocolInterfaces(Children[i], &gEfiDevicePathProtocolGuid,
							path, &child_guid, &child_marker, NULL);
		Print(L"pci-driver: child stopped\n");
	}
	if (NumberOfChildren)
		return EFI_SUCCESS;
	BS->UninstallProtocolInterface(Controller, &bound_guid, &bound_marker);
	BS->CloseProtocol(Controller, &pci_io_guid, This->DriverBindingHandle, Controller);
	BS->CloseProtocol(Controller, &child_guid, This->DriverBindingHandle, Controller);
	Print(L"pci-driver: stopped\n");
	return EFI_SUCCESS;
}

/* Not EFIAPI: gnu-efi's crt0 calls efi_main with the ELF convention. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS status;

	InitializeLib(image, systab);
	binding = (EFI_DRIVER_BINDING_PROTOCOL){ supported, start, stop, 0x10, image, image };
	status = BS->InstallMultipleProtocolInterfaces(&image, &binding_guid, &binding, &name2_guid,
							&name2, NULL);
	Print(L"pci-driver: loaded, binding %r\n", status);
	return status;
}
