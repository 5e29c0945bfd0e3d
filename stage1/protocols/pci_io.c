/* SPDX-License-Identifier: MIT */
/*
 * EFI_PCI_IO_PROTOCOL (UEFI 2.10 §14.4) on every PCI function, as EDK2's PciBusDxe gives it: BAR
 * relative accesses checked against the BARs stage0 assigned and passed to the root bridge, the
 * command register as attributes, and identity DMA mappings (QEMU has no IOMMU set up) that
 * bounce below 4 GiB only for a device not allowed dual-address cycles.
 */
#include "include/efi/protocol/pci_io.h"
#include "lib/container_of.h"
#include "lib/drivers/pci.h"
#include "lib/formats/device_path.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/device_path.h"
#include "stage1/protocols/pci_io.h"
#include "stage1/protocols/pci_root_bridge_io.h"

#define LOG_PREFIX "pci-io: "
#include "lib/log.h"

#define BARS 6
#define BELOW_4G 0xffffffffull
/* The attributes that are command register bits: IO, MEMORY, BUS_MASTER are bits 0-2 shifted. */
#define COMMAND_ATTRIBUTES 0x700
#define BUFFER_ATTRIBUTES                                                                         \
	(EFI_PCI_IO_ATTRIBUTE_MEMORY_WRITE_COMBINE | EFI_PCI_IO_ATTRIBUTE_MEMORY_CACHED |         \
	 EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE)
/* ACPI 6.5 §6.4.3.5.1: the type-specific flag of a prefetchable memory range. */
#define ACPI_MEMORY_PREFETCHABLE 0x06

/* A bus-master read or write Map had to copy through memory the device can reach. */
struct bounce {
	struct bounce *next;
	void *host;
	EFI_PHYSICAL_ADDRESS device;
	UINTN bytes;
	EFI_PCI_IO_PROTOCOL_OPERATION operation;
};

struct pci_io {
	EFI_PCI_IO_PROTOCOL io;
	struct pci_address addr;
	UINT64 supports;
	BOOLEAN dual_address; /* the one attribute not in the command register */
	struct pci_bar bars[BARS];
	struct bounce *bounces;
};

static const EFI_GUID pci_io_guid = EFI_PCI_IO_PROTOCOL_GUID;
static const EFI_GUID device_path_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
#define ROOT (&pci_root_bridge_io)

static struct pci_io *pci_io_of(EFI_PCI_IO_PROTOCOL *this)
{
	return container_of(this, struct pci_io, io);
}

/*
 * The root bridge address of offset in a BAR of the given kind, checked to hold the whole access
 * (§14.4.4: EFI_UNSUPPORTED otherwise, as OVMF); FIFO and FILL widths touch one element's span.
 */
static EFI_STATUS bar_address(EFI_PCI_IO_PROTOCOL *this, BOOLEAN io, UINT8 index,
			      EFI_PCI_IO_PROTOCOL_WIDTH width, UINT64 offset, UINTN count,
			      UINT64 *ret_address)
{
	const struct pci_bar *bar = &pci_io_of(this)->bars[index < BARS ? index : 0];
	UINT64 span = (UINT64)1 << (width & 3);

	if ((UINTN)width >= EfiPciWidthMaximum)
		return EFI_INVALID_PARAMETER;
	if (index == EFI_PCI_IO_PASS_THROUGH_BAR) {
		*ret_address = offset;
		return EFI_SUCCESS;
	}
	if (width < EfiPciWidthFifoUint8)
		span *= count;
	if (index >= BARS || !bar->size || bar->io != io || offset >= bar->size ||
	    span > bar->size - offset)
		return EFI_UNSUPPORTED;
	*ret_address = bar->base + offset;
	return EFI_SUCCESS;
}

#define BAR_ACCESSOR(name, io, call)                                                               \
	static EFI_STATUS EFIAPI efi_##name(EFI_PCI_IO_PROTOCOL *This,                             \
					    EFI_PCI_IO_PROTOCOL_WIDTH Width, UINT8 BarIndex,       \
					    UINT64 Offset, UINTN Count, VOID *Buffer)              \
	{                                                                                          \
		UINT64 address;                                                                    \
		EFI_STATUS status =                                                                \
			bar_address(This, io, BarIndex, Width, Offset, Count, &address);           \
		return EFI_ERROR(status) ? status : call(ROOT, Width, address, Count, Buffer);     \
	}

BAR_ACCESSOR(mem_read, FALSE, ROOT->Mem.Read)
BAR_ACCESSOR(mem_write, FALSE, ROOT->Mem.Write)
BAR_ACCESSOR(io_read, TRUE, ROOT->Io.Read)
BAR_ACCESSOR(io_write, TRUE, ROOT->Io.Write)

/* The root bridge's address of a register of this function (§14.2.1). */
static UINT64 config_address(EFI_PCI_IO_PROTOCOL *this, UINT32 offset)
{
	struct pci_address a = pci_io_of(this)->addr;

	return (UINT64)a.bus << 24 | (UINT64)a.device << 16 | (UINT64)a.function << 8 | offset;
}

/* Configuration space is the 256 bytes mechanism #1 reaches; the root bridge checks the span. */
static EFI_STATUS EFIAPI efi_pci_read(EFI_PCI_IO_PROTOCOL *This, EFI_PCI_IO_PROTOCOL_WIDTH Width,
				      UINT32 Offset, UINTN Count, VOID *Buffer)
{
	if (Offset > 0xff)
		return EFI_UNSUPPORTED;
	return ROOT->Pci.Read(ROOT, Width, config_address(This, Offset), Count, Buffer);
}

static EFI_STATUS EFIAPI efi_pci_write(EFI_PCI_IO_PROTOCOL *This, EFI_PCI_IO_PROTOCOL_WIDTH Width,
				       UINT32 Offset, UINTN Count, VOID *Buffer)
{
	if (Offset > 0xff)
		return EFI_UNSUPPORTED;
	return ROOT->Pci.Write(ROOT, Width, config_address(This, Offset), Count, Buffer);
}

static EFI_STATUS poll(EFI_PCI_IO_PROTOCOL *this, BOOLEAN io, EFI_PCI_IO_PROTOCOL_WIDTH width,
		       UINT8 index, UINT64 offset, UINT64 mask, UINT64 value, UINT64 delay,
		       UINT64 *result)
{
	UINT64 address;
	EFI_STATUS status = bar_address(this, io, index, width, offset, 1, &address);

	if (EFI_ERROR(status))
		return status;
	return (io ? ROOT->PollIo : ROOT->PollMem)(ROOT, width, address, mask, value, delay,
						   result);
}

static EFI_STATUS EFIAPI efi_poll_mem(EFI_PCI_IO_PROTOCOL *This, EFI_PCI_IO_PROTOCOL_WIDTH Width,
				      UINT8 BarIndex, UINT64 Offset, UINT64 Mask, UINT64 Value,
				      UINT64 Delay, UINT64 *Result)
{
	return poll(This, FALSE, Width, BarIndex, Offset, Mask, Value, Delay, Result);
}

static EFI_STATUS EFIAPI efi_poll_io(EFI_PCI_IO_PROTOCOL *This, EFI_PCI_IO_PROTOCOL_WIDTH Width,
				     UINT8 BarIndex, UINT64 Offset, UINT64 Mask, UINT64 Value,
				     UINT64 Delay, UINT64 *Result)
{
	return poll(This, TRUE, Width, BarIndex, Offset, Mask, Value, Delay, Result);
}

static EFI_STATUS EFIAPI efi_copy_mem(EFI_PCI_IO_PROTOCOL *This, EFI_PCI_IO_PROTOCOL_WIDTH Width,
				      UINT8 DestBarIndex, UINT64 DestOffset, UINT8 SrcBarIndex,
				      UINT64 SrcOffset, UINTN Count)
{
	UINT64 dest, src;
	EFI_STATUS status = bar_address(This, FALSE, DestBarIndex, Width, DestOffset, Count, &dest);

	if (!EFI_ERROR(status))
		status = bar_address(This, FALSE, SrcBarIndex, Width, SrcOffset, Count, &src);
	return EFI_ERROR(status) ? status : ROOT->CopyMem(ROOT, Width, dest, src, Count);
}

/*
 * §14.4.10. Device and host addresses are the same, but a device not granted DUAL_ADDRESS_CYCLE
 * only reaches the low 4 GiB: a read or write buffer above that goes through a bounce copy, as
 * EDK2's root bridge does; a common buffer cannot, and must come from AllocateBuffer.
 */
static EFI_STATUS EFIAPI efi_map(EFI_PCI_IO_PROTOCOL *This, EFI_PCI_IO_PROTOCOL_OPERATION Operation,
				 VOID *HostAddress, UINTN *NumberOfBytes,
				 EFI_PHYSICAL_ADDRESS *DeviceAddress, VOID **Mapping)
{
	struct pci_io *p = pci_io_of(This);
	UINT64 host = (UINTN)HostAddress;
	struct bounce *b;

	if (!HostAddress || !NumberOfBytes || !DeviceAddress || !Mapping ||
	    (UINTN)Operation >= EfiPciIoOperationMaximum)
		return EFI_INVALID_PARAMETER;
	*DeviceAddress = host;
	*Mapping = HostAddress;
	if (p->dual_address || host + *NumberOfBytes - 1 <= BELOW_4G)
		return EFI_SUCCESS;
	if (Operation == EfiPciIoOperationBusMasterCommonBuffer)
		return EFI_UNSUPPORTED;
	b = pool_zalloc(sizeof(*b));
	if (!b)
		return EFI_OUT_OF_RESOURCES;
	b->device = BELOW_4G;
	if (EFI_ERROR(memory_allocate_pages(AllocateMaxAddress, EfiBootServicesData,
					    EFI_SIZE_TO_PAGES(*NumberOfBytes), &b->device))) {
		pool_free(b);
		return EFI_OUT_OF_RESOURCES;
	}
	*b = (struct bounce){ p->bounces, HostAddress, b->device, *NumberOfBytes, Operation };
	if (Operation == EfiPciIoOperationBusMasterRead)
		memcpy((void *)(UINTN)b->device, HostAddress, b->bytes);
	p->bounces = b;
	*DeviceAddress = b->device;
	*Mapping = b;
	return EFI_SUCCESS;
}

/* An identity mapping has nothing to undo; a bounce hands a device write back to the host. */
static EFI_STATUS EFIAPI efi_unmap(EFI_PCI_IO_PROTOCOL *This, VOID *Mapping)
{
	for (struct bounce **link = &pci_io_of(This)->bounces; *link; link = &(*link)->next) {
		struct bounce *b = *link;

		if (b != Mapping)
			continue;
		if (b->operation == EfiPciIoOperationBusMasterWrite)
			memcpy(b->host, (void *)(UINTN)b->device, b->bytes);
		*link = b->next;
		memory_free_pages(b->device, EFI_SIZE_TO_PAGES(b->bytes));
		pool_free(b);
		break;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_allocate_buffer(EFI_PCI_IO_PROTOCOL *This, EFI_ALLOCATE_TYPE Type,
					     EFI_MEMORY_TYPE MemoryType, UINTN Pages,
					     VOID **HostAddress, UINT64 Attributes)
{
	EFI_PHYSICAL_ADDRESS address = ~0ull;
	EFI_STATUS status;

	if (Attributes & ~BUFFER_ATTRIBUTES)
		return EFI_UNSUPPORTED;
	if (!HostAddress || (MemoryType != EfiBootServicesData &&
			     MemoryType != EfiRuntimeServicesData))
		return EFI_INVALID_PARAMETER;
	if (Type != AllocateAnyPages)
		return EFI_UNSUPPORTED; /* §14.4.12: the only type allowed */
	/* A common buffer must be reachable unbounced: below 4 GiB unless DAC on both sides. */
	if (!(Attributes & EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE) ||
	    !pci_io_of(This)->dual_address)
		address = BELOW_4G;
	status = memory_allocate_pages(AllocateMaxAddress, MemoryType, Pages, &address);
	if (!EFI_ERROR(status))
		*HostAddress = (VOID *)(UINTN)address;
	return status;
}

static EFI_STATUS EFIAPI efi_free_buffer(EFI_PCI_IO_PROTOCOL *This, UINTN Pages, VOID *HostAddress)
{
	return ROOT->FreeBuffer(ROOT, Pages, HostAddress);
}

static EFI_STATUS EFIAPI efi_flush(EFI_PCI_IO_PROTOCOL *This)
{
	return ROOT->Flush(ROOT);
}

static EFI_STATUS EFIAPI efi_get_location(EFI_PCI_IO_PROTOCOL *This, UINTN *SegmentNumber,
					  UINTN *BusNumber, UINTN *DeviceNumber,
					  UINTN *FunctionNumber)
{
	struct pci_address a = pci_io_of(This)->addr;

	if (!SegmentNumber || !BusNumber || !DeviceNumber || !FunctionNumber)
		return EFI_INVALID_PARAMETER;
	*SegmentNumber = 0;
	*BusNumber = a.bus;
	*DeviceNumber = a.device;
	*FunctionNumber = a.function;
	return EFI_SUCCESS;
}

/* IO, MEMORY and BUS_MASTER read live from the command register, so a driver's own writes show. */
static UINT64 attributes_now(const struct pci_io *p)
{
	return (UINT64)(pci_read16(p->addr, PCI_COMMAND) & 7) << 8 |
	       (p->dual_address ? EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE : 0);
}

/* §14.4.16. The ISA, VGA and IDE legacy-decode attributes are not offered (docs/uefi-shell.md). */
static EFI_STATUS EFIAPI efi_attributes(EFI_PCI_IO_PROTOCOL *This,
					EFI_PCI_IO_PROTOCOL_ATTRIBUTE_OPERATION Operation,
					UINT64 Attributes, UINT64 *Result)
{
	struct pci_io *p = pci_io_of(This);
	UINT16 command;

	if (Operation == EfiPciIoAttributeOperationGet ||
	    Operation == EfiPciIoAttributeOperationSupported) {
		if (!Result)
			return EFI_INVALID_PARAMETER;
		*Result = Operation == EfiPciIoAttributeOperationGet ? attributes_now(p)
								      : p->supports;
		return EFI_SUCCESS;
	}
	if ((UINTN)Operation >= EfiPciIoAttributeOperationMaximum)
		return EFI_INVALID_PARAMETER;
	if (Attributes & ~p->supports)
		return EFI_UNSUPPORTED;
	if (Operation == EfiPciIoAttributeOperationEnable)
		Attributes |= attributes_now(p);
	else if (Operation == EfiPciIoAttributeOperationDisable)
		Attributes = attributes_now(p) & ~Attributes;
	command = pci_read16(p->addr, PCI_COMMAND) & ~7;
	pci_write16(p->addr, PCI_COMMAND,
		    command | (UINT16)((Attributes & COMMAND_ATTRIBUTES) >> 8));
	p->dual_address = !!(Attributes & EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE);
	return EFI_SUCCESS;
}

/* §14.4.17: a QWORD descriptor as EDK2 gives it (AddrRangeMax holds the alignment), an end tag. */
static EFI_STATUS EFIAPI efi_get_bar_attributes(EFI_PCI_IO_PROTOCOL *This, UINT8 BarIndex,
						UINT64 *Supports, VOID **Resources)
{
	const struct pci_bar *bar = &pci_io_of(This)->bars[BarIndex < BARS ? BarIndex : 0];
	struct {
		EFI_ACPI_ADDRESS_SPACE_DESCRIPTOR d;
		EFI_ACPI_END_TAG_DESCRIPTOR end;
	} __attribute__((packed)) *r;

	if (!Supports && !Resources)
		return EFI_INVALID_PARAMETER;
	if (BarIndex >= BARS || !bar->size)
		return EFI_UNSUPPORTED;
	if (Supports)
		*Supports = 0; /* no cacheability to change: SetBarAttributes is unsupported */
	if (!Resources)
		return EFI_SUCCESS;
	r = pool_zalloc(sizeof(*r));
	if (!r)
		return EFI_OUT_OF_RESOURCES;
	r->d = (EFI_ACPI_ADDRESS_SPACE_DESCRIPTOR){
		.Desc = ACPI_ADDRESS_SPACE_DESCRIPTOR,
		.Len = sizeof(r->d) - 3,
		.ResType = bar->io ? ACPI_ADDRESS_SPACE_TYPE_IO : ACPI_ADDRESS_SPACE_TYPE_MEM,
		.SpecificFlag = bar->prefetchable ? ACPI_MEMORY_PREFETCHABLE : 0,
		.AddrSpaceGranularity = bar->io ? 0 : bar->is64 ? 64 : 32,
		.AddrRangeMin = bar->base,
		.AddrRangeMax = bar->size - 1,
		.AddrLen = bar->size,
	};
	r->end.Desc = ACPI_END_TAG_DESCRIPTOR;
	*Resources = r;
	return EFI_SUCCESS;
}

/* BARs are mapped uncached in the identity map, and no caching or window change is offered. */
static EFI_STATUS EFIAPI efi_set_bar_attributes(EFI_PCI_IO_PROTOCOL *This, UINT64 Attributes,
						UINT8 BarIndex, UINT64 *Offset, UINT64 *Length)
{
	return EFI_UNSUPPORTED;
}

static const EFI_PCI_IO_PROTOCOL pci_io_template = {
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
	.GetLocation = efi_get_location,
	.Attributes = efi_attributes,
	.GetBarAttributes = efi_get_bar_attributes,
	.SetBarAttributes = efi_set_bar_attributes,
};

/* Whether a handle's path is the function's path and one more node: a disk or an output on it. */
static BOOLEAN has_child_handle(EFI_HANDLE function)
{
	const EFI_DEVICE_PATH_PROTOCOL *path, *p, *rest;
	EFI_HANDLE *handles;
	UINTN n;
	BOOLEAN found = FALSE;

	if (EFI_ERROR(handle_lookup(function, &device_path_guid, (void **)&path)) ||
	    EFI_ERROR(handle_find_all(&device_path_guid, &handles, &n)))
		return FALSE;
	for (UINTN i = 0; i < n && !found; i++) {
		if (handles[i] == function ||
		    EFI_ERROR(handle_lookup(handles[i], &device_path_guid, (void **)&p)))
			continue;
		rest = device_path_skip_prefix(path, p);
		found = rest && !device_path_is_end_any(rest) &&
			device_path_is_end_any(device_path_next(rest));
	}
	pool_free(handles);
	return found;
}

static EFI_STATUS pci_io_add(struct pci_address a)
{
	struct pci_io *p = pool_zalloc(sizeof(*p));
	EFI_DEVICE_PATH_PROTOCOL *path = device_path_alloc_pci(a), *rest = path;
	EFI_HANDLE handle = NULL;
	BOOLEAN bridge = (pci_read8(a, PCI_HEADER_TYPE) & 0x7f) == 1, reused = FALSE;
	void *iface;
	EFI_STATUS status = EFI_OUT_OF_RESOURCES;

	if (!p || !path)
		goto err_free;
	p->io = pci_io_template;
	p->addr = a;
	p->supports = EFI_PCI_IO_ATTRIBUTE_BUS_MASTER | EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE |
		      (bridge ? EFI_PCI_IO_ATTRIBUTE_IO | EFI_PCI_IO_ATTRIBUTE_MEMORY : 0);
	/* A bridge has two BARs, then bus numbers; the upper half of a 64-bit BAR is no BAR. */
	for (UINT32 i = 0; i < (bridge ? 2u : BARS); i++) {
		pci_get_bar(a, i, &p->bars[i]);
		if (p->bars[i].size)
			p->supports |= p->bars[i].io ? EFI_PCI_IO_ATTRIBUTE_IO
						     : EFI_PCI_IO_ATTRIBUTE_MEMORY;
		i += p->bars[i].is64;
	}
	/* One handle a device: the disk and display code may have made it, with this very path. */
	if (!EFI_ERROR(efi_locate_device_path((EFI_GUID *)&device_path_guid, &rest, &handle)) &&
	    device_path_is_end_any(rest)) {
		pool_free(path);
		reused = TRUE;
	} else {
		handle = NULL;
		status = handle_install(&handle, &device_path_guid, path);
		if (EFI_ERROR(status))
			goto err_free;
	}
	status = handle_install(&handle, &pci_io_guid, &p->io);
	/*
	 * A function Strata drives (a disk itself, or disks or outputs on it) has its PCI I/O held
	 * BY_DRIVER by the firmware image, as OVMF's drivers hold theirs, so a driver loaded later
	 * cannot take it from under Strata. Its disks are not recorded as BY_CHILD_CONTROLLER
	 * children: the Shell's devtree finds children through a driver binding, which the
	 * firmware image has not, and would then show them nowhere.
	 */
	if (!EFI_ERROR(status) && (reused || has_child_handle(handle)))
		efi_open_protocol(handle, (EFI_GUID *)&pci_io_guid, &iface, firmware_image_handle,
				  handle, EFI_OPEN_PROTOCOL_BY_DRIVER);
	return status;

err_free:
	pool_free(path);
	pool_free(p);
	return status;
}

EFI_STATUS pci_io_init(void)
{
	struct pci_address a;
	UINT32 cursor = 0, count = 0;
	EFI_STATUS status = EFI_SUCCESS;

	while (pci_next_function(&cursor, &a)) {
		status = pci_io_add(a);
		if (EFI_ERROR(status))
			return log_error_status(status, "%02x:%02x.%x", a.bus, a.device,
						a.function);
		count++;
	}
	log_debug("on %u functions", count);
	return status;
}
