/* SPDX-License-Identifier: MIT */
/* DevicePathToText, FromText, Utilities (UEFI 2.10 §10.5-10.6) over lib/formats/device_path*. */
#include "include/efi/protocol/device_path_from_text.h"
#include "include/efi/protocol/device_path_to_text.h"
#include "include/efi/protocol/device_path_utilities.h"
#include "lib/drivers/pci.h"
#include "lib/formats/device_path.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/device_path.h"

#define LOG_PREFIX "device-path: "
#include "lib/log.h"

#define PCI_SECONDARY_BUS 0x19
/* Bridges between the root bus and a device; QEMU machines nest a few at most. */
#define PCI_MAX_DEPTH 16

static void *alloc(UINTN size)
{
	return size ? pool_alloc(EfiBootServicesData, size) : NULL;
}

EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_duplicate(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	UINTN size = device_path_size(path);
	void *copy = alloc(size);

	if (copy)
		memcpy(copy, path, size);
	return copy;
}

EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_append_node(const EFI_DEVICE_PATH_PROTOCOL *path,
							const EFI_DEVICE_PATH_PROTOCOL *node)
{
	void *buf = alloc(device_path_append_node(path, node, NULL));

	if (buf)
		device_path_append_node(path, node, buf);
	return buf;
}

EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_file(const EFI_DEVICE_PATH_PROTOCOL *device,
						 const CHAR16 *name)
{
	UINTN node_size = device_path_file_node(name, NULL);
	void *node = alloc(node_size), *path;

	if (!node)
		return NULL;
	device_path_file_node(name, node);
	path = device_path_alloc_append_node(device, node);
	pool_free(node);
	return path;
}

/* The text form of path in pool memory: a sizing pass, then the real one. */
static CHAR16 *alloc_path_text(const EFI_DEVICE_PATH_PROTOCOL *path, UINT8 flags)
{
	UINTN len = device_path_to_text(path, flags, NULL, 0);
	CHAR16 *text = alloc((len + 1) * sizeof(CHAR16));

	if (text)
		device_path_to_text(path, flags, text, len + 1);
	return text;
}

static UINT8 text_flags(BOOLEAN display_only, BOOLEAN allow_shortcuts)
{
	return (display_only ? DEVICE_PATH_TEXT_DISPLAY_ONLY : 0) |
	       (allow_shortcuts ? DEVICE_PATH_TEXT_SHORTCUTS : 0);
}

CHAR16 *device_path_alloc_text(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	return alloc_path_text(path, 0);
}

/* DisplayOnly picks the short forms where one exists, AllowShortcuts names terminal types. */
static CHAR16 *EFIAPI to_text_node(CONST EFI_DEVICE_PATH_PROTOCOL *DeviceNode, BOOLEAN DisplayOnly,
				   BOOLEAN AllowShortcuts)
{
	UINT8 flags = text_flags(DisplayOnly, AllowShortcuts);
	UINTN len;
	CHAR16 *text;

	if (!DeviceNode)
		return NULL;
	len = device_path_node_to_text(DeviceNode, flags, NULL, 0);
	text = alloc((len + 1) * sizeof(CHAR16));
	if (text)
		device_path_node_to_text(DeviceNode, flags, text, len + 1);
	return text;
}

static CHAR16 *EFIAPI to_text_path(CONST EFI_DEVICE_PATH_PROTOCOL *DevicePath, BOOLEAN DisplayOnly,
				   BOOLEAN AllowShortcuts)
{
	if (!device_path_size(DevicePath))
		return NULL;
	return alloc_path_text(DevicePath, text_flags(DisplayOnly, AllowShortcuts));
}

static EFI_DEVICE_PATH_PROTOCOL *alloc_from_text(const CHAR16 *text, BOOLEAN node_only)
{
	UINTN size = device_path_from_text(text, node_only, NULL, 0);
	void *buf = alloc(size);

	if (buf)
		device_path_from_text(text, node_only, buf, size);
	return buf;
}

static EFI_DEVICE_PATH_PROTOCOL *EFIAPI from_text_node(CONST CHAR16 *TextDeviceNode)
{
	return alloc_from_text(TextDeviceNode, TRUE);
}

static EFI_DEVICE_PATH_PROTOCOL *EFIAPI from_text_path(CONST CHAR16 *TextDevicePath)
{
	return alloc_from_text(TextDevicePath, FALSE);
}

static UINTN EFIAPI utils_get_device_path_size(CONST EFI_DEVICE_PATH_PROTOCOL *DevicePath)
{
	return device_path_size(DevicePath);
}

static EFI_DEVICE_PATH_PROTOCOL *EFIAPI utils_duplicate(CONST EFI_DEVICE_PATH_PROTOCOL *DevicePath)
{
	return device_path_alloc_duplicate(DevicePath);
}

static EFI_DEVICE_PATH_PROTOCOL *EFIAPI utils_append_path(CONST EFI_DEVICE_PATH_PROTOCOL *Src1,
							  CONST EFI_DEVICE_PATH_PROTOCOL *Src2)
{
	void *buf = alloc(device_path_append(Src1, Src2, NULL));

	if (buf)
		device_path_append(Src1, Src2, buf);
	return buf;
}

static EFI_DEVICE_PATH_PROTOCOL *EFIAPI
utils_append_node(CONST EFI_DEVICE_PATH_PROTOCOL *DevicePath,
		  CONST EFI_DEVICE_PATH_PROTOCOL *DeviceNode)
{
	return device_path_alloc_append_node(DevicePath, DeviceNode);
}

static EFI_DEVICE_PATH_PROTOCOL *EFIAPI
utils_append_instance(CONST EFI_DEVICE_PATH_PROTOCOL *DevicePath,
		      CONST EFI_DEVICE_PATH_PROTOCOL *DevicePathInstance)
{
	void *buf = alloc(device_path_append_instance(DevicePath, DevicePathInstance, NULL));

	if (buf)
		device_path_append_instance(DevicePath, DevicePathInstance, buf);
	return buf;
}

/* Returns a copy of the current instance and advances *DevicePathInstance (NULL after the last). */
static EFI_DEVICE_PATH_PROTOCOL *EFIAPI
utils_get_next_instance(EFI_DEVICE_PATH_PROTOCOL **DevicePathInstance,
			UINTN *DevicePathInstanceSize)
{
	const EFI_DEVICE_PATH_PROTOCOL *next;
	UINTN size;
	void *buf;

	if (DevicePathInstanceSize)
		*DevicePathInstanceSize = 0;
	if (!DevicePathInstance || !*DevicePathInstance)
		return NULL;
	size = device_path_next_instance(*DevicePathInstance, NULL, &next);
	buf = alloc(size);
	if (!buf)
		return NULL;
	device_path_next_instance(*DevicePathInstance, buf, &next);
	*DevicePathInstance = (EFI_DEVICE_PATH_PROTOCOL *)next;
	if (DevicePathInstanceSize)
		*DevicePathInstanceSize = size;
	return buf;
}

static BOOLEAN EFIAPI utils_is_multi_instance(CONST EFI_DEVICE_PATH_PROTOCOL *DevicePath)
{
	return device_path_is_multi_instance(DevicePath);
}

/* A zeroed node of NodeLength bytes with its header filled; NULL if shorter than a header. */
static EFI_DEVICE_PATH_PROTOCOL *EFIAPI utils_create_node(UINT8 NodeType, UINT8 NodeSubType,
							  UINT16 NodeLength)
{
	EFI_DEVICE_PATH_PROTOCOL *node;

	if (NodeLength < END_DEVICE_PATH_LENGTH)
		return NULL;
	node = pool_zalloc(NodeLength);
	if (node)
		device_path_set_node(node, NodeType, NodeSubType, NodeLength);
	return node;
}

static EFI_DEVICE_PATH_TO_TEXT_PROTOCOL to_text_protocol = {
	.ConvertDeviceNodeToText = to_text_node,
	.ConvertDevicePathToText = to_text_path,
};

static EFI_DEVICE_PATH_FROM_TEXT_PROTOCOL from_text_protocol = {
	.ConvertTextToDeviceNode = from_text_node,
	.ConvertTextToDevicePath = from_text_path,
};

static EFI_DEVICE_PATH_UTILITIES_PROTOCOL utilities_protocol = {
	.GetDevicePathSize = utils_get_device_path_size,
	.DuplicateDevicePath = utils_duplicate,
	.AppendDevicePath = utils_append_path,
	.AppendDeviceNode = utils_append_node,
	.AppendDevicePathInstance = utils_append_instance,
	.GetNextDevicePathInstance = utils_get_next_instance,
	.IsDevicePathMultiInstance = utils_is_multi_instance,
	.CreateDeviceNode = utils_create_node,
};

EFI_STATUS device_path_init(void)
{
	static const EFI_GUID to_text_guid = EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID;
	static const EFI_GUID from_text_guid = EFI_DEVICE_PATH_FROM_TEXT_PROTOCOL_GUID;
	static const EFI_GUID utilities_guid = EFI_DEVICE_PATH_UTILITIES_PROTOCOL_GUID;
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;

	status = handle_install(&handle, &to_text_guid, &to_text_protocol);
	if (EFI_ERROR(status))
		return log_error_status(status, "install DevicePathToText");
	status = handle_install(&handle, &from_text_guid, &from_text_protocol);
	if (EFI_ERROR(status))
		return log_error_status(status, "install DevicePathFromText");
	status = handle_install(&handle, &utilities_guid, &utilities_protocol);
	if (EFI_ERROR(status))
		return log_error_status(status, "install DevicePathUtilities");
	return EFI_SUCCESS;
}

/* The bridge whose secondary bus is bus; FALSE if none (a root bus other than 0). */
static BOOLEAN pci_parent_bridge(UINT8 bus, struct pci_address *ret_bridge)
{
	struct pci_address a;
	UINT32 cursor = 0;

	while (pci_next_function(&cursor, &a)) {
		if ((pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 1 &&
		    pci_read8(a, PCI_SECONDARY_BUS) == bus && a.bus < bus) {
			*ret_bridge = a;
			return TRUE;
		}
	}
	return FALSE;
}

EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_pci(struct pci_address a)
{
	struct __attribute__((packed)) {
		ACPI_HID_DEVICE_PATH root;
		PCI_DEVICE_PATH pci[PCI_MAX_DEPTH];
		EFI_DEVICE_PATH_PROTOCOL end;
	} path;
	PCI_DEVICE_PATH reversed[PCI_MAX_DEPTH];
	UINTN depth = 0;

	for (;;) {
		device_path_set_node(&reversed[depth].Header, HARDWARE_DEVICE_PATH, HW_PCI_DP,
				     sizeof(PCI_DEVICE_PATH));
		reversed[depth].Device = a.device;
		reversed[depth].Function = a.function;
		depth++;
		if (a.bus == 0)
			break;
		if (depth == PCI_MAX_DEPTH || !pci_parent_bridge(a.bus, &a))
			return NULL;
	}
	device_path_set_node(&path.root.Header, ACPI_DEVICE_PATH, ACPI_DP, sizeof(path.root));
	path.root.HID = EISA_PNP_ID(0x0a03);
	path.root.UID = 0;
	for (UINTN i = 0; i < depth; i++)
		path.pci[i] = reversed[depth - 1 - i];
	device_path_set_node(&path.pci[depth].Header, END_DEVICE_PATH_TYPE,
			     END_ENTIRE_DEVICE_PATH_SUBTYPE, END_DEVICE_PATH_LENGTH);
	return device_path_alloc_duplicate(&path.root.Header);
}

EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_pci_root(void)
{
	struct {
		ACPI_HID_DEVICE_PATH root;
		EFI_DEVICE_PATH_PROTOCOL end;
	} __attribute__((packed)) path;

	device_path_set_node(&path.root.Header, ACPI_DEVICE_PATH, ACPI_DP, sizeof(path.root));
	path.root.HID = EISA_PNP_ID(0x0a03);
	path.root.UID = 0;
	device_path_set_node(&path.end, END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
			     END_DEVICE_PATH_LENGTH);
	return device_path_alloc_duplicate(&path.root.Header);
}

/* A pool copy of parent (a pool path, freed here; NULL: none) followed by node, or NULL. */
static EFI_DEVICE_PATH_PROTOCOL *child_of(EFI_DEVICE_PATH_PROTOCOL *parent,
					  const EFI_DEVICE_PATH_PROTOCOL *node)
{
	EFI_DEVICE_PATH_PROTOCOL *path;

	if (!parent)
		return NULL;
	path = device_path_alloc_append_node(parent, node);
	pool_free(parent);
	return path;
}

EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_pci_child(struct pci_address a,
						      const EFI_DEVICE_PATH_PROTOCOL *node)
{
	return child_of(device_path_alloc_pci(a), node);
}

/*
 * VenHw(837DCA9E-E874-4D82-B29A-23FE0E23D1E2,<base, 8 bytes little-endian>): the node OVMF's
 * VirtioMmioDeviceLib gives a virtio-mmio transport (EDK2 OvmfPkg/Include/Guid/
 * VirtioMmioTransport.h), the whole path of a device on it as on OVMF's microvm build.
 */
EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_virtio_mmio(UINT64 base)
{
	static const EFI_GUID transport = { 0x837dca9e, 0xe874, 0x4d82,
					    { 0xb2, 0x9a, 0x23, 0xfe, 0x0e, 0x23, 0xd1, 0xe2 } };
	struct __attribute__((packed)) {
		VENDOR_DEVICE_PATH vendor;
		UINT64 base;
		EFI_DEVICE_PATH_PROTOCOL end;
	} path;

	device_path_set_node(&path.vendor.Header, HARDWARE_DEVICE_PATH, HW_VENDOR_DP,
			     sizeof(path.vendor) + sizeof(path.base));
	path.vendor.Guid = transport;
	path.base = base;
	device_path_set_node(&path.end, END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
			     sizeof(path.end));
	return device_path_alloc_duplicate(&path.vendor.Header);
}

EFI_DEVICE_PATH_PROTOCOL *device_path_alloc_virtio_mmio_child(UINT64 base,
							      const EFI_DEVICE_PATH_PROTOCOL *node)
{
	return child_of(device_path_alloc_virtio_mmio(base), node);
}
