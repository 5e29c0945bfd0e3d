/* SPDX-License-Identifier: MIT */
/*
 * EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL (UEFI 2.10 §14.2) on QEMU's one root bridge, segment 0: what
 * the Shell's `pci` and UEFI drivers use to reach configuration space, memory and I/O ports.
 * Host and device addresses are the same on QEMU (no IOMMU is set up), so Map is the identity.
 */
#include "include/efi/protocol/device_path_to_text.h"
#include "include/efi/protocol/pci_root_bridge_io.h"
#include "lib/drivers/io.h"
#include "lib/drivers/pci.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/pci_root_bridge_io.h"

#define LOG_PREFIX "pci: "
#include "lib/log.h"

/* stage0's I/O window for BARs (stage0/platform.c); the ports below it are the legacy devices'. */
#define ROOT_IO_BASE 0xc000
#define ROOT_IO_LIMIT 0xffff

enum space { SPACE_MEM, SPACE_IO, SPACE_PCI };

static struct {
	EFI_ACPI_ADDRESS_SPACE_DESCRIPTOR bus, io, mem;
	EFI_ACPI_END_TAG_DESCRIPTOR end;
} __attribute__((packed)) resources;

static const EFI_GUID root_bridge_io_guid = EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_GUID;
static const EFI_GUID device_path_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;

static UINT64 read_one(enum space space, UINT64 address, UINTN size)
{
	if (space == SPACE_IO) {
		UINT16 port = (UINT16)address;

		return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	}
	if (space == SPACE_MEM) {
		return size == 1 ? mmio_read8(address) : size == 2 ? mmio_read16(address)
			: size == 4 ? mmio_read32(address) : mmio_read64(address);
	}
	struct pci_address a = { EFI_PCI_ADDRESS_BUS(address), EFI_PCI_ADDRESS_DEVICE(address),
				 EFI_PCI_ADDRESS_FUNCTION(address) };
	UINT8 reg = EFI_PCI_ADDRESS_REGISTER(address);

	return size == 1 ? pci_read8(a, reg) : size == 2 ? pci_read16(a, reg) : pci_read32(a, reg);
}

static void write_one(enum space space, UINT64 address, UINTN size, UINT64 v)
{
	if (space == SPACE_IO) {
		UINT16 port = (UINT16)address;

		if (size == 1)
			outb(port, (UINT8)v);
		else if (size == 2)
			outw(port, (UINT16)v);
		else
			outl(port, (UINT32)v);
		return;
	}
	if (space == SPACE_MEM) {
		if (size == 1)
			mmio_write8(address, (UINT8)v);
		else if (size == 2)
			mmio_write16(address, (UINT16)v);
		else if (size == 4)
			mmio_write32(address, (UINT32)v);
		else
			mmio_write64(address, v);
		return;
	}
	struct pci_address a = { EFI_PCI_ADDRESS_BUS(address), EFI_PCI_ADDRESS_DEVICE(address),
				 EFI_PCI_ADDRESS_FUNCTION(address) };
	UINT8 reg = EFI_PCI_ADDRESS_REGISTER(address);

	if (size == 1)
		pci_write8(a, reg, (UINT8)v);
	else if (size == 2)
		pci_write16(a, reg, (UINT16)v);
	else
		pci_write32(a, reg, (UINT32)v);
}

/*
 * Checks one access of count elements: 64-bit I/O and configuration cycles do not exist, and
 * configuration space ends at 256 bytes here (ECAM's extended registers are not offered).
 */
static EFI_STATUS check_access(enum space space, EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH width,
			       UINT64 address, UINTN count, UINTN *ret_size)
{
	UINTN size = (UINTN)1 << (width & 3);
	UINT64 span = (width >= EfiPciWidthFifoUint8 && width <= EfiPciWidthFifoUint64) ? size
										       : size * count;

	if ((UINTN)width >= EfiPciWidthMaximum)
		return EFI_INVALID_PARAMETER;
	if (space != SPACE_MEM && size == 8)
		return EFI_INVALID_PARAMETER;
	if (address & (size - 1))
		return EFI_UNSUPPORTED; /* unaligned: the hardware would split or refuse it */
	if (space == SPACE_IO && address + span > 0x10000)
		return EFI_INVALID_PARAMETER;
	if (space == SPACE_PCI && (EFI_PCI_ADDRESS_EXTENDED_REGISTER(address) ||
				   EFI_PCI_ADDRESS_REGISTER(address) + span > 256))
		return EFI_UNSUPPORTED;
	*ret_size = size;
	return EFI_SUCCESS;
}

/* §14.2.4: normal widths step address and buffer, FIFO the buffer only, FILL the address only. */
static EFI_STATUS access(enum space space, BOOLEAN write,
			 EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH width, UINT64 address, UINTN count,
			 VOID *buffer)
{
	UINT8 *p = buffer;
	UINTN size;
	EFI_STATUS status;
	BOOLEAN step_address = !(width >= EfiPciWidthFifoUint8 && width <= EfiPciWidthFifoUint64);
	BOOLEAN step_buffer = width < EfiPciWidthFillUint8;

	if (!buffer)
		return EFI_INVALID_PARAMETER;
	status = check_access(space, width, address, count, &size);
	if (EFI_ERROR(status))
		return status;
	for (UINTN i = 0; i < count; i++) {
		UINT64 v = 0;

		if (write) {
			memcpy(&v, p, size);
			write_one(space, address, size, v);
		} else {
			v = read_one(space, address, size);
			memcpy(p, &v, size);
		}
		if (step_address)
			address += size;
		if (step_buffer)
			p += size;
	}
	return EFI_SUCCESS;
}

#define ACCESSORS(name, space)                                                                   \
	static EFI_STATUS EFIAPI efi_##name##_read(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,          \
						   EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH Width,   \
						   UINT64 Address, UINTN Count, VOID *Buffer)     \
	{                                                                                          \
		return access(space, FALSE, Width, Address, Count, Buffer);                        \
	}                                                                                          \
	static EFI_STATUS EFIAPI efi_##name##_write(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,         \
						    EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH Width,  \
						    UINT64 Address, UINTN Count, VOID *Buffer)    \
	{                                                                                          \
		return access(space, TRUE, Width, Address, Count, Buffer);                         \
	}

ACCESSORS(mem, SPACE_MEM)
ACCESSORS(io, SPACE_IO)
ACCESSORS(pci, SPACE_PCI)

/* §14.2.3: read until (value & Mask) == Value or Delay (100 ns units) has passed. */
static EFI_STATUS poll(enum space space, EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH width,
		       UINT64 address, UINT64 mask, UINT64 value, UINT64 delay, UINT64 *result)
{
	UINT64 deadline;
	UINTN size;
	EFI_STATUS status;

	if (!result || width > EfiPciWidthUint64)
		return EFI_INVALID_PARAMETER;
	status = check_access(space, width, address, 1, &size);
	if (EFI_ERROR(status))
		return status;
	deadline = time_now_100ns() + delay;
	for (;;) {
		*result = read_one(space, address, size);
		if ((*result & mask) == value)
			return EFI_SUCCESS;
		if (time_now_100ns() >= deadline)
			return EFI_TIMEOUT;
		cpu_relax();
	}
}

static EFI_STATUS EFIAPI efi_poll_mem(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,
				      EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH Width, UINT64 Address,
				      UINT64 Mask, UINT64 Value, UINT64 Delay, UINT64 *Result)
{
	return poll(SPACE_MEM, Width, Address, Mask, Value, Delay, Result);
}

static EFI_STATUS EFIAPI efi_poll_io(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,
				     EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH Width, UINT64 Address,
				     UINT64 Mask, UINT64 Value, UINT64 Delay, UINT64 *Result)
{
	return poll(SPACE_IO, Width, Address, Mask, Value, Delay, Result);
}

static EFI_STATUS EFIAPI efi_copy_mem(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,
				      EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH Width,
				      UINT64 DestAddress, UINT64 SrcAddress, UINTN Count)
{
	UINTN size;
	EFI_STATUS status;
	BOOLEAN backward = DestAddress > SrcAddress;

	if (Width > EfiPciWidthUint64)
		return EFI_INVALID_PARAMETER;
	status = check_access(SPACE_MEM, Width, DestAddress | SrcAddress, Count, &size);
	if (EFI_ERROR(status))
		return status;
	/* Overlapping ranges copy as memmove does, one element of the width at a time. */
	for (UINTN i = 0; i < Count; i++) {
		UINTN k = backward ? Count - 1 - i : i;

		write_one(SPACE_MEM, DestAddress + k * size, size,
			  read_one(SPACE_MEM, SrcAddress + k * size, size));
	}
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_map(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,
				 EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_OPERATION Operation,
				 VOID *HostAddress, UINTN *NumberOfBytes,
				 EFI_PHYSICAL_ADDRESS *DeviceAddress, VOID **Mapping)
{
	if (!HostAddress || !NumberOfBytes || !DeviceAddress || !Mapping ||
	    (UINTN)Operation >= EfiPciOperationMaximum)
		return EFI_INVALID_PARAMETER;
	*DeviceAddress = (EFI_PHYSICAL_ADDRESS)(UINTN)HostAddress;
	*Mapping = HostAddress;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_unmap(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This, VOID *Mapping)
{
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_allocate_buffer(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,
					     EFI_ALLOCATE_TYPE Type, EFI_MEMORY_TYPE MemoryType,
					     UINTN Pages, VOID **HostAddress, UINT64 Attributes)
{
	EFI_PHYSICAL_ADDRESS address;
	EFI_STATUS status;

	if (!HostAddress)
		return EFI_INVALID_PARAMETER;
	/* §14.2.12: only AllocateAnyPages, of boot- or runtime-services data. */
	if (Type != AllocateAnyPages)
		return EFI_UNSUPPORTED;
	if (MemoryType != EfiBootServicesData && MemoryType != EfiRuntimeServicesData)
		return EFI_INVALID_PARAMETER;
	status = memory_allocate_pages(AllocateAnyPages, MemoryType, Pages, &address);
	if (EFI_ERROR(status))
		return status;
	*HostAddress = (VOID *)(UINTN)address;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_free_buffer(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This, UINTN Pages,
					 VOID *HostAddress)
{
	return memory_free_pages((EFI_PHYSICAL_ADDRESS)(UINTN)HostAddress, Pages);
}

static EFI_STATUS EFIAPI efi_flush(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This)
{
	return EFI_SUCCESS; /* no posted-write buffers or IOMMU between the CPU and QEMU's devices */
}

/* No attributes (ISA, VGA I/O, prefetch, ...) are modelled: none is supported or set. */
static EFI_STATUS EFIAPI efi_get_attributes(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This, UINT64 *Supports,
					    UINT64 *Attributes)
{
	if (!Supports && !Attributes)
		return EFI_INVALID_PARAMETER;
	if (Supports)
		*Supports = 0;
	if (Attributes)
		*Attributes = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_set_attributes(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This,
					    UINT64 Attributes, UINT64 *ResourceBase,
					    UINT64 *ResourceLength)
{
	return Attributes ? EFI_UNSUPPORTED : EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_configuration(EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *This, VOID **Resources)
{
	if (!Resources)
		return EFI_INVALID_PARAMETER;
	*Resources = &resources;
	return EFI_SUCCESS;
}

EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL pci_root_bridge_io = {
	.PollMem = efi_poll_mem,
	.PollIo = efi_poll_io,
	.Mem = { efi_mem_read, efi_mem_write },
	.Io = { efi_io_read, efi_io_write },
	.Pci = { efi_pci_read, efi_pci_write },
	.CopyMem = efi_copy_mem,
	.Map = efi_map,
	.Unmap = efi_unmap,
	.AllocateBuffer = efi_allocate_buffer,
	.FreeBuffer = efi_free_buffer,
	.Flush = efi_flush,
	.GetAttributes = efi_get_attributes,
	.SetAttributes = efi_set_attributes,
	.Configuration = efi_configuration,
	.SegmentNumber = 0,
};

static void describe(EFI_ACPI_ADDRESS_SPACE_DESCRIPTOR *d, UINT8 type, UINT64 min, UINT64 max)
{
	*d = (EFI_ACPI_ADDRESS_SPACE_DESCRIPTOR){
		.Desc = ACPI_ADDRESS_SPACE_DESCRIPTOR,
		.Len = sizeof(*d) - 3,
		.ResType = type,
		.AddrSpaceGranularity = type == ACPI_ADDRESS_SPACE_TYPE_MEM ? 32 : 0,
		.AddrRangeMin = min,
		.AddrRangeMax = max,
		.AddrLen = max - min + 1,
	};
}

EFI_STATUS pci_root_bridge_io_init(const struct handoff *h)
{
	EFI_DEVICE_PATH_PROTOCOL *path;
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;
	UINT8 last_bus = pci_scan_buses();

	describe(&resources.bus, ACPI_ADDRESS_SPACE_TYPE_BUS, 0, last_bus);
	describe(&resources.io, ACPI_ADDRESS_SPACE_TYPE_IO, ROOT_IO_BASE, ROOT_IO_LIMIT);
	describe(&resources.mem, ACPI_ADDRESS_SPACE_TYPE_MEM, h->pci_mmio32_base,
		 h->pci_mmio32_limit);
	resources.end = (EFI_ACPI_END_TAG_DESCRIPTOR){ ACPI_END_TAG_DESCRIPTOR, 0 };

	path = device_path_alloc_pci_root();
	if (!path)
		return EFI_OUT_OF_RESOURCES;
	status = handle_install(&handle, &device_path_guid, path);
	if (EFI_ERROR(status))
		return status;
	pci_root_bridge_io.ParentHandle = handle;
	return handle_install(&handle, &root_bridge_io_guid, &pci_root_bridge_io);
}
